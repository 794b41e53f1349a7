"""An evaluation form on screen: filled in by a team lead beside the player (answers, comment, the
live total, a critical question zeroing it) or shown read-only (a scored call, the operator's own
scores). Editing goes into the core's :class:`~app.quality.sheet.ScoreSheet`, whose total is the
server's arithmetic; the form's and questions' texts are the admin's, shown as plain text."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.quality.sheet import ScoreSheet
from app.wire.common import COMMENT_MAX
from app.wire.quality import SCALE_MAX, AnswerKind, EvaluationOut, FormIn, Question
from ui.plain import plain_label, set_plain


def percent(value: float) -> str:
    return f"{value:g} %"


class ScoreForm(QWidget):
    """The form's sections and questions, one answer box each; the comment, the total, Save."""

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scoreForm")
        self.sheet: ScoreSheet | None = None
        self.shown: EvaluationOut | None = None
        self.answer_boxes: dict[str, QComboBox] = {}
        self.title = plain_label("", self)
        self.area = QScrollArea(self)
        self.area.setWidgetResizable(True)
        self.comment_label = QLabel(self)
        self.comment = QPlainTextEdit(self)
        self.comment.setTabChangesFocus(True)
        self.comment.textChanged.connect(self._comment_changed)
        self.total = QLabel(self)
        self.by = plain_label("", self)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save_requested)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.comment_label)
        layout.addWidget(self.comment)
        layout.addWidget(self.total)
        layout.addWidget(self.by)
        layout.addWidget(self.save_button)
        self.clear()

    # ----- what is shown ----------------------------------------------------------------------

    def clear(self) -> None:
        """Nothing to score (no call chosen, or no form defined)."""
        self.sheet, self.shown = None, None
        self._build(None, {}, editable=False)
        self.comment.setPlainText("")
        self.retranslate()

    def edit(self, sheet: ScoreSheet) -> None:
        """Fill ``sheet`` in: every answer box starts empty, Save waits for all of them."""
        self.sheet, self.shown = sheet, None
        self._build(sheet.form, sheet.answers, editable=True)
        self.comment.setPlainText(sheet.comment)
        self.retranslate()

    def show_evaluation(self, evaluation: EvaluationOut) -> None:
        """A saved evaluation, read-only, on the form it was scored on."""
        self.sheet, self.shown = None, evaluation
        self._build(evaluation.form, evaluation.answers, editable=False)
        self.comment.setPlainText(evaluation.comment)
        self.retranslate()

    def _build(self, form: FormIn | None, answers: dict[str, int], *, editable: bool) -> None:
        self.answer_boxes = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        set_plain(self.title, form.name if form is not None else "")
        for section in form.sections if form is not None else []:
            group = QGroupBox(inner)
            group.setTitle(section.title.replace("&", "&&"))
            rows = QFormLayout(group)
            for question in section.questions:
                box = QComboBox(group)
                box.setObjectName(f"answer_{question.key}")
                self._fill(box, question)
                value = answers.get(question.key)
                box.setCurrentIndex(box.findData(value) if value is not None else 0)
                box.setEnabled(editable)
                box.currentIndexChanged.connect(lambda _i, q=question.key: self._answered(q))
                label = plain_label(self._question_text(question), group)
                label.setWordWrap(True)
                rows.addRow(label, box)
                self.answer_boxes[question.key] = box
            column.addWidget(group)
        column.addStretch(1)
        self.area.setWidget(inner)
        self.comment.setReadOnly(not editable)
        self.comment.setVisible(form is not None)
        self.comment_label.setVisible(form is not None)
        self.save_button.setVisible(editable)

    def _question_text(self, question: Question) -> str:
        marks = [self.tr("weight %1").replace("%1", str(question.weight))]
        if question.critical:
            marks.append(self.tr("critical"))
        return f"{question.text} ({', '.join(marks)})"

    def _fill(self, box: QComboBox, question: Question) -> None:
        box.clear()
        box.addItem(self.tr("–"), None)
        if question.kind is AnswerKind.YES_NO:
            box.addItem(self.tr("Yes"), 1)
            box.addItem(self.tr("No"), 0)
        else:
            for points in range(SCALE_MAX + 1):
                box.addItem(str(points), points)

    # ----- editing ----------------------------------------------------------------------------

    def _answered(self, key: str) -> None:
        if self.sheet is None:
            return
        value = self.answer_boxes[key].currentData()
        self.sheet.answer(key, None if value is None else int(value))
        self.retranslate()

    def _comment_changed(self) -> None:
        if self.sheet is not None:
            text = self.comment.toPlainText()
            if len(text) > COMMENT_MAX:
                self.comment.setPlainText(text[:COMMENT_MAX])
                return
            self.sheet.comment = text

    # ----- words ------------------------------------------------------------------------------

    def total_text(self) -> str:
        if self.sheet is not None:
            result = self.sheet.total
            score, failed = result.score, result.critical_failed
        elif self.shown is not None:
            score, failed = self.shown.score, self.shown.critical_failed
        else:
            return self.tr("Choose a recorded call to score it")
        if failed:
            return self.tr("Total: %1 (a critical question failed)").replace("%1", percent(score))
        return self.tr("Total: %1").replace("%1", percent(score))

    def retranslate(self) -> None:
        self.comment_label.setText(self.tr("Comment for the operator:"))
        self.save_button.setText(self.tr("Save score"))
        self.save_button.setEnabled(self.sheet is not None and self.sheet.complete)
        self.total.setText(self.total_text())
        shown = self.shown
        set_plain(
            self.by,
            self.tr("Scored by %1").replace("%1", shown.evaluator) if shown is not None else "",
        )
        form = self.sheet.form if self.sheet is not None else (shown.form if shown is not None else None)
        if form is not None:
            for question in form.questions():
                box = self.answer_boxes.get(question.key)
                if box is None:
                    continue
                box.setItemText(0, self.tr("–"))
                if question.kind is AnswerKind.YES_NO:
                    box.setItemText(1, self.tr("Yes"))
                    box.setItemText(2, self.tr("No"))
                label = self._label_of(box)
                if label is not None:
                    set_plain(label, self._question_text(question))

    def _label_of(self, box: QComboBox) -> QLabel | None:
        group = box.parentWidget()
        layout = group.layout() if group is not None else None
        if not isinstance(layout, QFormLayout):
            return None
        label = layout.labelForField(box)
        return label if isinstance(label, QLabel) else None

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
