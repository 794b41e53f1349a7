"""Every table of the server. Import models from here; ``Base.metadata`` holds them all.

A new model module must be imported below, or Alembic autogenerate will not see it.
"""

from server.models.audit import AuditEntry
from server.models.base import Base, UTCDateTime, utcnow
from server.models.catalogues import DispositionCode, NotReadyReason
from server.models.chains import ChainDefinition, ChainMessage, ChainRun, ChainStep
from server.models.contacts import Contact, ContactField, ContactPhone
from server.models.crm import CrmConnection, CrmJob
from server.models.daily_report import DailyReportSend
from server.models.dispositions import Disposition
from server.models.enums import (
    DispositionCategory,
    FieldType,
    OperatorStatus,
    PreferredChannel,
    RequestKind,
    RequestState,
    Role,
    StatusSource,
)
from server.models.inbound import InboundMessage
from server.models.pbx_waiting import PbxWaiting
from server.models.quality import Evaluation, EvaluationForm
from server.models.recordings import Recording
from server.models.reports import ReportFact, ReportRollup
from server.models.requests import BoardThreshold, StatusRequest
from server.models.scripts import Script
from server.models.statuses import DeskPresence, OperatorCurrentStatus, OperatorStatusChange
from server.models.tasks import Call, Task, TaskAttempt, TaskRulesDoc
from server.models.throttle import LoginFailures
from server.models.users import RefreshToken, Team, User
from server.models.webhooks import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "AuditEntry",
    "Base",
    "BoardThreshold",
    "Call",
    "ChainDefinition",
    "ChainMessage",
    "ChainRun",
    "ChainStep",
    "Contact",
    "ContactField",
    "ContactPhone",
    "CrmConnection",
    "CrmJob",
    "DailyReportSend",
    "DeskPresence",
    "Disposition",
    "DispositionCategory",
    "DispositionCode",
    "Evaluation",
    "EvaluationForm",
    "FieldType",
    "InboundMessage",
    "LoginFailures",
    "NotReadyReason",
    "OperatorCurrentStatus",
    "OperatorStatus",
    "OperatorStatusChange",
    "PbxWaiting",
    "PreferredChannel",
    "Recording",
    "RefreshToken",
    "ReportFact",
    "ReportRollup",
    "RequestKind",
    "RequestState",
    "Role",
    "Script",
    "StatusRequest",
    "StatusSource",
    "Task",
    "TaskAttempt",
    "TaskRulesDoc",
    "Team",
    "UTCDateTime",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "utcnow",
]
