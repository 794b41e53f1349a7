"""The operator's own scores ("My scores" in the tools menu): every evaluation of their recorded calls,
newest first, with its score, who scored it, and, for the chosen one, the answers and the team lead's
comment on the form it was scored on (read-only). Read through the one API client
(``GET /quality/evaluations``: the server gives an operator their own only)."""

from __future__ import annotations

import asyncio
from typing import Protocol

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.client.errors import ApiError
from app.wire.quality import EvaluationOut
from ui.labels import format_datetime
from ui.plain import set_plain
from ui.refusals import error_text
from ui.team.score_form import ScoreForm, percent


class ScoresApi(Protocol):
    async def evaluations(self, operator: str | None = None) -> list[EvaluationOut]: ...


class MyScoresWindow(QWidget):
    """The list of the operator's evaluations and the chosen one's form."""

    def __init__(self, api: ScoresApi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("myScores")
        self.api = api
        self.evaluations: list[EvaluationOut] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._problem = ""
        self.list = QTreeWidget(self)
        self.list.setColumnCount(3)
        self.list.setRootIsDecorated(False)
        self.list.currentItemChanged.connect(self._chosen)
        self.form = ScoreForm(self)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        split = QSplitter(self)
        split.addWidget(self.list)
        split.addWidget(self.form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        self.retranslate()
        self.resize(900, 560)

    def reload(self) -> None:
        task = asyncio.ensure_future(self._load())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _load(self) -> None:
        try:
            self.evaluations = await self.api.evaluations()
        except ApiError as exc:
            self._problem = error_text(exc)
        else:
            self._problem = ""
        self._show()

    def _show(self) -> None:
        self.list.clear()
        for evaluation in self.evaluations:
            row = QTreeWidgetItem(
                [format_datetime(evaluation.call_started_at), self._score(evaluation), evaluation.evaluator]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, evaluation.id)
            self.list.addTopLevelItem(row)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        else:
            self.form.clear()
        self.retranslate()

    def _chosen(self, row: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if row is None:
            return
        wanted = int(row.data(0, Qt.ItemDataRole.UserRole))
        found = next((e for e in self.evaluations if e.id == wanted), None)
        if found is not None:
            self.form.show_evaluation(found)

    def _score(self, evaluation: EvaluationOut) -> str:
        if evaluation.critical_failed:
            return self.tr("%1 (critical)").replace("%1", percent(evaluation.score))
        return percent(evaluation.score)

    def summary_text(self) -> str:
        if self._problem:
            return self.tr("Your scores could not be read: %1").replace("%1", self._problem)
        if not self.evaluations:
            return self.tr("None of your calls has been scored yet")
        average = round(sum(e.score for e in self.evaluations) / len(self.evaluations), 1)
        return self.tr("Average %1 over %n scored call(s)", "", len(self.evaluations)).replace(
            "%1", percent(average)
        )

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My scores"))
        self.list.setHeaderLabels([self.tr("Call"), self.tr("Score"), self.tr("Scored by")])
        set_plain(self.summary, self.summary_text())
        for index in range(self.list.topLevelItemCount()):
            row = self.list.topLevelItem(index)
            found = next(
                (
                    e
                    for e in self.evaluations
                    if row is not None and e.id == row.data(0, Qt.ItemDataRole.UserRole)
                ),
                None,
            )
            if row is not None and found is not None:
                row.setText(1, self._score(found))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.close()
