"""The composition root of the desktop: one qasync loop, the sync service, the telephony service
process, the workstation, the window and the tray, built in that order and stopped in reverse.

Nothing here decides anything: it connects the parts and shows what they report. The telephony
service is a separate process (``ringdesk phone --ipc``) so a stalled GUI never stalls audio.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import ui.boot  # noqa: F401  (before the other imports: see its docstring)

# isort: split
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from app.credentials import SecretStore
from app.session.popping import PopWatch
from app.store.opening import StoreUnusable
from app.store.paths import data_dir
from app.sync.service import SyncService
from app.telephony import events as ev
from app.telephony.process import service_argv
from app.telephony.supervisor import TelephonyService
from app.wire.auth import UserOut
from app.wire.statuses import OperatorStatus
from app.workstation import Workstation, WorkstationConfig, connect_phone
from app.workstation.config import caller_ids_of
from app.workstation.journal import CallJournal
from app.workstation.notices import CatalogueChanged, StoreFailing, StoreSaved
from app.workstation.recordings import attach_recordings
from app.workstation.server_truth import CatalogueFollower, follow_refusals
from ui.desk import Desk
from ui.desktop_options import DesktopOptions
from ui.dial_pad import history_entries
from ui.drafts import DraftKeeper
from ui.i18n import set_language
from ui.labels import use_catalogue
from ui.leaving import Leaving
from ui.live_supervision import LiveSupervision
from ui.login_flow import log_in, while_logging_in
from ui.main_window import MainWindow
from ui.preferences import AudioDevices
from ui.refused_notice import RefusedRecords
from ui.resuming import resume_shift, resumed_text
from ui.script_host import ScriptHost
from ui.services import ServerSide
from ui.settings_flow import SettingsFlow
from ui.single import Instance
from ui.sip_accounts import sip_accounts
from ui.status_menu import StatusChoice
from ui.store_banner import StoreBanner
from ui.store_dialogs import tell_problems, tell_unusable
from ui.supervision import Supervision
from ui.sync_banner import SyncBanner
from ui.tasks.hook import TasksHook
from ui.theme import apply_theme
from ui.tray import Tray
from ui.warmup import warm_first_call
from ui.window_state import WindowState

__all__ = ["Desktop", "DesktopOptions", "run_desktop"]
"""What callers compose a desktop from (``DesktopOptions`` lives in :mod:`ui.desktop_options`)."""

log = logging.getLogger(__name__)


class _SyncSignals(QObject):
    """The sync service reports from its own threads; Qt widgets change only on the GUI thread."""

    status = Signal(object)


class Desktop:
    """One operator's session: everything started by :meth:`start`, stopped by :meth:`stop`."""

    def __init__(self, options: DesktopOptions) -> None:
        self.options = options
        self.sync: SyncService | None = None
        self.telephony: TelephonyService | None = None
        self.workstation: Workstation | None = None
        self.window: MainWindow | None = None
        self.desk: Desk | None = None
        self.scripts: ScriptHost | None = None
        self.keeper: DraftKeeper | None = None
        self.journal: CallJournal | None = None
        self.settings: SettingsFlow | None = None
        self.supervision: Supervision | None = None
        self.live: LiveSupervision | None = None
        """Live supervision: the "Supervised" badge, and a lead's listen/whisper/barge."""
        self.tasks: TasksHook | None = None
        self.instance: Instance | None = None
        self.secrets: SecretStore | None = None
        self.audio_devices = AudioDevices()
        self.tray: Tray | None = None
        self.leaving: Leaving | None = None
        self.user: UserOut | None = None
        self.banner: SyncBanner | None = None
        """Built with the window: no widget before the start's language is set (``ui.i18n``)."""
        self.refused: RefusedRecords | None = None
        self.store_banner: StoreBanner | None = None
        self.store_dialog: QMessageBox | None = None
        """The dialog about the local store shown at start (unusable, or repaired), if any."""
        self.resumed_message = ""
        """What the desk said about the shift it went on with after a crash (empty: a new shift)."""
        self.closed = asyncio.Event()
        self._signals = _SyncSignals()
        self._unsubscribe: Callable[[], None] | None = None
        self._stop_refusals: Callable[[], None] | None = None
        self.catalogue: CatalogueFollower | None = None
        self.pops: PopWatch | None = None
        """Whether a call pops: what can wait (the task list, the outbox, the feed's reads) waits."""
        self.warmup: asyncio.Task[None] | None = None
        """What the first call needs, done while the operator has not gone ready yet (``ui.warmup``)."""

    async def start(self) -> bool:
        """Log in, start the phone and show the window; ``False`` when the operator gave up."""
        opts = self.options
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)  # the tray keeps the shift; quitting is an intent
        apply_theme(app, opts.theme)
        set_language(opts.language)
        # one store for the login, the token renewals and the SIP passwords: the keyring is asked
        # through a helper process (issue 15: its ~10 MB stay out of the desktop). The helper and the
        # phone's process start before the login (when ``ui.start`` has not started them already,
        # before loading this module): their own start-up runs on the other core meanwhile (issue 15:
        # start time); the phone's events are read from ``telephony.start()`` on, as before. When the
        # login needs the dialog, the phone is stopped until the password is in (not left running,
        # unseen, for as long as the dialog stays open).
        head = opts.head_start
        self.secrets = head.secrets if head is not None else SecretStore.for_desktop()
        argv = head.phone_argv if head is not None else service_argv(opts.phone_args, opts.config)
        self.telephony = TelephonyService(argv, stderr_path=opts.phone_log)
        if head is not None and head.phone is not None:
            self.telephony.adopt(head.phone)
        else:
            await self.telephony.prespawn()
        if head is not None:
            head.taken = True
        try:
            self.sync = SyncService.open(
                opts.server_url,
                account=opts.user,
                database=opts.database,
                secrets=self.secrets,
                ca_file=str(opts.config["server_ca_file"]) if opts.config is not None else "",
            )
        except StoreUnusable as exc:  # a dialog and the log, not a traceback on stderr
            self.store_dialog = await tell_unusable(exc)
            return False
        telephony = self.telephony
        login = log_in(opts, self.sync, before_dialog=telephony.drop_prespawned)
        built, (self.sync, self.user) = await while_logging_in(MainWindow, login)  # (says why)
        if self.user is None:
            return False
        await telephony.prespawn()  # again, if it was stopped while the dialog was open
        self.sync.start()
        services = await ServerSide.load(self.sync)
        use_catalogue(services.catalogue)  # labels follow the catalogue as it is refreshed
        self.telephony.accounts = sip_accounts(opts.config, self.secrets) if opts.config is not None else []
        caller_ids = caller_ids_of(str(opts.config["calls.caller_ids"])) if opts.config else {}
        config = WorkstationConfig(operator=self.user.name, acw=opts.acw, caller_ids=caller_ids)
        self.workstation = Workstation(
            config,
            phone=self.telephony,
            outbox=services,
            catalogue=services.catalogue(),
            contacts=services,
            registered=False,
        )
        home = opts.database.parent if opts.database is not None else data_dir()  # beside the local store
        attach_recordings(self.workstation, self.telephony, home / "recordings", services)
        connect_phone(self.workstation, self.telephony)
        self.pops = PopWatch(self.workstation.hub)
        self.sync.pump.quiet = self.pops.quiet
        # the server's word wins on the desk: refusals undone, the catalogue followed (issue 13)
        self.workstation.hub.on(CatalogueChanged, lambda notice: services.use_catalogue(notice.catalogue))
        self._stop_refusals = follow_refusals(self.workstation, self.sync.outbox)
        self.catalogue = CatalogueFollower(self.workstation, services.fresh_catalogue, quiet=self.pops.quiet)
        forward = self.telephony.on_event

        def on_event(event: ev.Event) -> None:
            if isinstance(event, ev.AudioDevicesChanged):
                self.audio_devices = AudioDevices(
                    [d.name for d in event.devices if d.inputs],
                    [d.name for d in event.devices if d.outputs],
                    self.audio_devices.headsets,
                )
            elif isinstance(event, ev.HeadsetsChanged):  # the settings' list of headsets with buttons
                self.audio_devices = replace(
                    self.audio_devices, headsets=[(h.name, h.telephony) for h in event.devices]
                )
            if self.live is not None:
                self.live.on_event(event)
            forward(event)

        self.telephony.on_event = on_event
        self.window = built
        self.live = LiveSupervision(self.user.name, self.user.role.value, self.sync.api, self.telephony)
        self.keeper = DraftKeeper(
            self.sync.drafts, self.workstation, self.window.disposition, clock=lambda: datetime.now(UTC)
        )
        self.scripts = scripts = ScriptHost(
            self.window,
            self.workstation,
            services,
            operator={"name": self.user.name, "team": self.user.team},
            on_state=self.keeper.script_state,
            saved_state=self.keeper.saved_script,
        )
        self.desk = Desk(self.window, self.workstation, services, scripts=scripts, acw=opts.acw)
        desk = self.desk
        self.journal = CallJournal(self.sync.calls, self.workstation.hub, keep=self.sync.worker.later)
        earlier = self.sync.calls.recent()
        named = self.sync.contacts.names({c.contact_id for c in earlier if c.contact_id is not None})
        desk.show_earlier_calls(history_entries(earlier, named))
        resumed = await resume_shift(self.sync, self.workstation)
        restored = self.keeper.restore(lambda: desk.form_call)
        if resumed is not None:
            self.workstation.report_status()
        if restored:
            message = QApplication.translate(
                "Desktop", "Reopened the unfinished after-call work of %n call(s)"
            )
            self.desk.status_line.showMessage(message.replace("%n", str(restored)), 15000)
        self._build_banner()
        self.store_dialog = tell_problems(self.sync.store_problems, self.window)
        self._build_tray(services)
        window = self.window
        assert self.tray is not None
        self.leaving = Leaving(
            window, self.workstation, self.tray, window.status.status.text, self.request_quit
        )
        self.settings = SettingsFlow(
            self.window.action_collection,
            self.secrets,
            lambda: self.telephony,
            lambda: self.audio_devices,
            parent=self.window,
        )
        if opts.config is not None:
            self.settings.apply_startup(opts.config)
        self.window.settings_requested.connect(self.settings.open)
        await self.telephony.start()
        if resumed is None:
            self.workstation.start_shift()
        else:  # after a crash: the shift went on; say so, and what the server did meanwhile
            self.resumed_message = resumed_text(resumed)
            self.desk.status_line.showMessage(self.resumed_message, 60000)
        role = self.user.role.value
        self.supervision = Supervision(self.window, self.workstation, self.desk, self.sync, role)
        self.supervision.live_lead = self.live.lead
        self.window.statusBar().addPermanentWidget(self.live.badge)  # the desk's status bar, built now
        self.supervision.feed.on_catalogue = self.catalogue.stale
        self.supervision.feed.quiet = self.pops.quiet
        self.supervision.start()
        self.tasks = TasksHook(
            self.window,
            self.workstation,
            self.sync,
            operator=self.user.name,
            tray=self.tray,
            desk=self.desk,
            reports_calls=role == "operator",
            quiet=self.pops.quiet,
        )
        self.tasks.start()
        self.window.place(WindowState(self.options.window_state).saved())
        if opts.start_minimised and QSystemTrayIcon.isSystemTrayAvailable():
            self.window.hide()
        else:
            self.window.show()
        self.warmup = asyncio.ensure_future(warm_first_call(self.window, services.field_schema()))
        if opts.single_instance:
            self.instance = Instance(self._on_link)
        if opts.dial:
            self.window.dial_pad.dial_requested.emit(opts.dial)
        if opts.on_ready is not None:
            opts.on_ready(self)
        return True

    def _build_banner(self) -> None:
        assert self.window is not None and self.sync is not None and self.workstation is not None
        self.store_banner = store_banner = StoreBanner(self.sync.store.path)
        self.window.add_banner(store_banner)
        self.workstation.hub.on(StoreFailing, store_banner.failing)
        self.workstation.hub.on(StoreSaved, store_banner.saved)
        self.banner = banner = SyncBanner()
        self.window.statusBar().addPermanentWidget(banner)
        self._signals.status.connect(banner.show_status, Qt.ConnectionType.QueuedConnection)
        # records the server did not accept: counted, explained and listed (issue 14)
        self.refused = RefusedRecords(self.sync.outbox, self.sync.retry_now, self.window)
        self.window.statusBar().addPermanentWidget(self.refused.notice)
        self._signals.status.connect(self.refused.refresh, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = self.sync.subscribe(self._signals.status.emit)
        banner.show_status(self.sync.status)
        self.refused.refresh()

    def _build_tray(self, services: ServerSide) -> None:
        """The tray icon, shown even where no tray is there yet: Qt puts it in a tray that appears
        later (a panel started after ringdesk at login). Closing the window asks the tray then."""
        assert self.window is not None and self.desk is not None
        self.tray = Tray(self.window)
        self.tray.show_reasons(list(services.catalogue().reasons))
        tray, workstation = self.tray, self.workstation
        assert workstation is not None
        workstation.hub.on(CatalogueChanged, lambda notice: tray.show_reasons(list(notice.catalogue.reasons)))
        self.desk.status_listeners.append(self.tray.show_status)
        self.tray.status_requested.connect(self.window.status.status_requested)
        self.tray.next_status_requested.connect(self.window.status.next_status_requested)
        self.tray.show_window_requested.connect(self._show_window)
        self.tray.show()

    def _on_link(self, link: str) -> None:
        """Another launch handed over a link (or just wants the window)."""
        self._show_window()
        if link and self.window is not None:
            self.window.dial_pad.dial_requested.emit(link)

    def _show_window(self) -> None:
        if self.window is not None:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()

    def request_quit(self) -> None:
        """The operator quits: end the shift (reported like any status), then close."""
        if self.window is not None:
            self.window.status.status_requested.emit(StatusChoice(OperatorStatus.OFFLINE))
        self.closed.set()

    async def stop(self) -> None:
        """Stop in reverse order; what is still in the outbox stays for the next start."""
        if self.warmup is not None and not self.warmup.done():
            self.warmup.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.warmup
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._stop_refusals is not None:
            self._stop_refusals()
        if self.catalogue is not None:
            self.catalogue.close()
        if self.instance is not None:
            self.instance.close()
        if self.supervision is not None:
            await self.supervision.stop()
        if self.tasks is not None:
            await self.tasks.stop()
        if self.keeper is not None:
            self.keeper.close()
        if self.workstation is not None:
            for unsaved in self.workstation.unsaved():  # the store never took it: named, not dropped
                log.error("not saved on this computer (the local store refused it): %s", unsaved)
        if self.journal is not None:
            self.journal.close()
        if self.desk is not None:
            self.desk.close()
        if self.pops is not None:
            self.pops.close()  # nothing waits for a pop any more: the outbox empties now
        if self.sync is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.sync.pump.until_empty(), 3.0)
        if self.telephony is not None:
            await self.telephony.stop()
        if self.sync is not None:
            await self.sync.close()
        if self.window is not None:
            WindowState(self.options.window_state).save(self.window)
            self.window.allow_close()
            self.window.close()
        if self.tray is not None:
            self.tray.icon.hide()


async def run_desktop(options: DesktopOptions) -> int:
    desktop = Desktop(options)
    try:
        if not await desktop.start():
            return 1
        await desktop.closed.wait()
        return 0
    finally:
        await desktop.stop()
