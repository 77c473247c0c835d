"""The candidate stage machine as data: stages, event kinds, and every step with the fields it requires.

Nothing here touches the database. `candidates.services.candidate_advance` looks a step up here, checks the
fields and the rules of `candidates.rules`, and writes the stage and the event together.

Sources: Quy định 294-QĐ/TW (26/5/2025) and Hướng dẫn 06-HD/TW (09/6/2025); forms 1-KNĐ … 16-KNĐ are those of
Hướng dẫn 38-HD/BTCTW (29/9/2025). The table "Candidate stages" in docs/domain.md is the summary.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Stage(models.TextChoices):
    SOURCE = "source", "Nguồn"
    OUTSTANDING = "outstanding", "Quần chúng ưu tú"
    TRAINED = "trained", "Đã học lớp nhận thức về Đảng"
    DOSSIER = "dossier", "Hoàn thiện hồ sơ"
    CELL_PROPOSED = "cell_proposed", "Chi bộ đề nghị kết nạp"
    BASE_PROPOSED = "base_proposed", "Đảng ủy cơ sở đề nghị kết nạp"
    ADMITTED = "admitted", "Có quyết định kết nạp"
    PROBATION = "probation", "Đảng viên dự bị"
    FULL_MEMBER = "full_member", "Đảng viên chính thức"
    DROPPED = "dropped", "Dừng xem xét"
    REMOVED = "removed", "Xóa tên đảng viên dự bị"
    CANCELLED = "cancelled", "Hủy quyết định kết nạp"


# The path to membership, in order (the board shows these columns; exits come after).
PIPELINE = (
    Stage.SOURCE,
    Stage.OUTSTANDING,
    Stage.TRAINED,
    Stage.DOSSIER,
    Stage.CELL_PROPOSED,
    Stage.BASE_PROPOSED,
    Stage.ADMITTED,
    Stage.PROBATION,
    Stage.FULL_MEMBER,
)
BEFORE_ADMISSION = frozenset(PIPELINE[:6])
EXITS = frozenset({Stage.DROPPED, Stage.REMOVED, Stage.CANCELLED})
# A candidate in one of these stages is still being followed by the cell (lists, due dates).
OPEN = frozenset(PIPELINE[:-1])


class EventKind(models.TextChoices):
    CREATED = "created", "Đưa vào danh sách nguồn"
    OUTSTANDING = "outstanding", "Chi bộ đưa vào danh sách quần chúng ưu tú"
    TRAINED = "trained", "Hoàn thành lớp bồi dưỡng nhận thức về Đảng"
    CERTIFICATE = "certificate", "Ghi giấy chứng nhận nhận thức về Đảng"
    DOSSIER = "dossier", "Lập hồ sơ xin vào Đảng"
    DOSSIER_RENEWED = "dossier_renewed", "Làm lại tài liệu hồ sơ quá 12 tháng"
    CELL_RESOLUTION = "cell_resolution", "Chi bộ ra nghị quyết đề nghị kết nạp"
    BASE_RESOLUTION = "base_resolution", "Đảng ủy cơ sở ra nghị quyết đề nghị kết nạp"
    SENIOR_CONSENT = "senior_consent", "Ban thường vụ tỉnh ủy đồng ý kết nạp người trên 60 tuổi"
    ADMISSION = "admission", "Quyết định kết nạp đảng viên"
    CEREMONY = "ceremony", "Lễ kết nạp đảng viên"
    NEW_MEMBER_CERTIFICATE = "new_member_certificate", "Hoàn thành lớp bồi dưỡng đảng viên mới"
    RECOGNITION = "recognition", "Công nhận đảng viên chính thức"
    DROPPED = "dropped", "Dừng xem xét kết nạp"
    REMOVED = "removed", "Xóa tên đảng viên dự bị"
    CANCELLED = "cancelled", "Hủy quyết định kết nạp"
    TRANSFERRED = "transferred", "Chuyển sang chi bộ khác"
    CORRECTION = "correction", "Đính chính (hủy bước đã ghi)"


class ExitReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "Không đủ điều kiện, tiêu chuẩn"
    MOVED_AWAY = "moved_away", "Chuyển đi nơi khác"
    WITHDREW = "withdrew", "Tự nguyện rút, không tiếp tục"
    OTHER = "other", "Lý do khác"


@dataclass(frozen=True)
class FieldSpec:
    """A value a step asks for. `name` is the Candidate attribute it sets, unless `stored` is False."""

    name: str
    label: str
    type: str = "text"  # text | date | count | bool | reason
    required: bool = True
    help: str = ""
    stored: bool = True


@dataclass(frozen=True)
class Step:
    """One step of the machine: from which stages, to which (None = the stage stays), what it records."""

    code: str
    label: str
    kind: EventKind
    sources: frozenset
    target: Stage | None
    fields: tuple[FieldSpec, ...]
    date_field: str
    document_field: str = ""
    regulation: str = ""
    exit: bool = False
    danger: bool = False

    @property
    def changes_stage(self) -> bool:
        return self.target is not None


def _date(name, label, required=True, help=""):
    return FieldSpec(name, label, "date", required, help)


def _text(name, label, required=True, help="", stored=True):
    return FieldSpec(name, label, "text", required, help, stored)


def _count(name, label, help=""):
    return FieldSpec(name, label, "count", True, help)


STEPS: tuple[Step, ...] = (
    Step(
        code="outstanding",
        label="Đưa vào danh sách quần chúng ưu tú",
        kind=EventKind.OUTSTANDING,
        sources=frozenset({Stage.SOURCE}),
        target=Stage.OUTSTANDING,
        fields=(
            _date("outstanding_on", "Ngày chi bộ họp xét"),
            _text("helper_name", "Đảng viên chính thức được phân công giúp đỡ", stored=False),
            _text("helper_cell", "Chi bộ của đảng viên giúp đỡ", required=False, stored=False),
        ),
        date_field="outstanding_on",
        regulation="Quy định 294-QĐ/TW, mục 3.2",
    ),
    Step(
        code="trained",
        label="Ghi giấy chứng nhận lớp nhận thức về Đảng",
        kind=EventKind.TRAINED,
        sources=frozenset({Stage.OUTSTANDING}),
        target=Stage.TRAINED,
        fields=(
            _text("awareness_cert_number", "Số giấy chứng nhận"),
            _date("awareness_cert_on", "Ngày cấp giấy chứng nhận"),
        ),
        date_field="awareness_cert_on",
        document_field="awareness_cert_number",
        regulation="Hướng dẫn 06-HD/TW, mục 3.1",
    ),
    Step(
        code="certificate",
        label="Ghi giấy chứng nhận mới (học lại hoặc học trước)",
        kind=EventKind.CERTIFICATE,
        sources=frozenset({Stage.SOURCE, Stage.TRAINED, Stage.DOSSIER}),
        target=None,
        fields=(
            _text("awareness_cert_number", "Số giấy chứng nhận"),
            _date("awareness_cert_on", "Ngày cấp giấy chứng nhận"),
        ),
        date_field="awareness_cert_on",
        document_field="awareness_cert_number",
        regulation="Hướng dẫn 06-HD/TW, mục 5.4 điểm b (quá 60 tháng phải học lại)",
    ),
    Step(
        code="dossier",
        label="Lập hồ sơ xin vào Đảng",
        kind=EventKind.DOSSIER,
        sources=frozenset({Stage.TRAINED}),
        target=Stage.DOSSIER,
        fields=(
            _date("dossier_on", "Ngày làm đơn xin vào Đảng (mẫu 1-KNĐ)"),
            _date("history_on", "Ngày khai lý lịch (mẫu 2-KNĐ)", required=False),
            _date(
                "verification_sent_on",
                "Ngày gửi công văn thẩm tra lý lịch",
                required=False,
                help="Nơi được hỏi trả lời trong 30 ngày làm việc, 90 ngày nếu ở nước ngoài (06-HD/TW, mục 3.4).",
            ),
            FieldSpec("verification_abroad", "Có người thân cần thẩm tra ở nước ngoài", "bool", False),
        ),
        date_field="dossier_on",
        regulation="Hướng dẫn 06-HD/TW, mục 3.2 - 3.5; Quy định 294-QĐ/TW, mục 3.2",
    ),
    Step(
        code="dossier_renewed",
        label="Làm lại tài liệu hồ sơ quá 12 tháng",
        kind=EventKind.DOSSIER_RENEWED,
        sources=frozenset({Stage.DOSSIER}),
        target=None,
        fields=(
            _date(
                "dossier_on",
                "Ngày hoàn thành làm lại tài liệu",
                help="Văn bản giới thiệu, nghị quyết giới thiệu đoàn viên, thẩm tra bổ sung, nhận xét bổ sung.",
            ),
        ),
        date_field="dossier_on",
        regulation="Hướng dẫn 06-HD/TW, mục 5.4 điểm a",
    ),
    Step(
        code="cell_resolution",
        label="Chi bộ ra nghị quyết đề nghị kết nạp (6-KNĐ)",
        kind=EventKind.CELL_RESOLUTION,
        sources=frozenset({Stage.DOSSIER}),
        target=Stage.CELL_PROPOSED,
        fields=(
            _text("cell_resolution_number", "Số nghị quyết", required=False),
            _date("cell_resolution_on", "Ngày nghị quyết"),
            _count("cell_votes_for", "Số đảng viên chính thức tán thành"),
            _count("cell_members_counted", "Tổng số đảng viên chính thức của chi bộ", help="Tính cả người vắng mặt."),
        ),
        date_field="cell_resolution_on",
        document_field="cell_resolution_number",
        regulation="Hướng dẫn 06-HD/TW, mục 3.6; Quy định 294-QĐ/TW, mục 1.1",
    ),
    Step(
        code="base_resolution",
        label="Đảng ủy cơ sở ra nghị quyết đề nghị kết nạp (8-KNĐ)",
        kind=EventKind.BASE_RESOLUTION,
        sources=frozenset({Stage.CELL_PROPOSED}),
        target=Stage.BASE_PROPOSED,
        fields=(
            _text("base_resolution_number", "Số nghị quyết", required=False),
            _date("base_resolution_on", "Ngày nghị quyết"),
            _count("base_votes_for", "Số cấp ủy viên tán thành"),
            _count("base_members_counted", "Tổng số cấp ủy viên"),
        ),
        date_field="base_resolution_on",
        document_field="base_resolution_number",
        regulation="Hướng dẫn 06-HD/TW, mục 3.6 điểm c",
    ),
    Step(
        code="senior_consent",
        label="Ghi văn bản đồng ý kết nạp người trên 60 tuổi",
        kind=EventKind.SENIOR_CONSENT,
        sources=frozenset({Stage.CELL_PROPOSED, Stage.BASE_PROPOSED}),
        target=None,
        fields=(
            _text("senior_consent_number", "Số văn bản của ban thường vụ tỉnh ủy, thành ủy"),
            _date("senior_consent_on", "Ngày văn bản"),
        ),
        date_field="senior_consent_on",
        document_field="senior_consent_number",
        regulation="Quy định 294-QĐ/TW, mục 1.1.2; Hướng dẫn 06-HD/TW, mục 1.1",
    ),
    Step(
        code="admission",
        label="Quyết định kết nạp (9-KNĐ)",
        kind=EventKind.ADMISSION,
        sources=frozenset({Stage.CELL_PROPOSED, Stage.BASE_PROPOSED}),
        target=Stage.ADMITTED,
        fields=(
            _text("decision_number", "Số quyết định"),
            _date("decision_on", "Ngày quyết định"),
            _text("decision_body", "Cấp ủy ra quyết định", help="Ví dụ: Ban Thường vụ Đảng ủy xã Ka Đô."),
            _count("decision_votes_for", "Số thành viên tán thành"),
            _count("decision_members_counted", "Tổng số thành viên ban thường vụ (hoặc cấp ủy)"),
            FieldSpec(
                "decision_by_authorized_base",
                "Đảng ủy cơ sở được ủy quyền quyết định kết nạp",
                "bool",
                False,
                "Khi đó cần ít nhất hai phần ba tổng số cấp ủy viên tán thành.",
            ),
            _date(
                "decision_received_on",
                "Ngày chi bộ nhận được quyết định",
                required=False,
                help="Để trống nếu nhận ngay trong ngày quyết định.",
            ),
        ),
        date_field="decision_on",
        document_field="decision_number",
        regulation="Quy định 294-QĐ/TW, mục 4.3; Hướng dẫn 06-HD/TW, mục 3.7",
    ),
    Step(
        code="ceremony",
        label="Tổ chức lễ kết nạp",
        kind=EventKind.CEREMONY,
        sources=frozenset({Stage.ADMITTED}),
        target=Stage.PROBATION,
        fields=(
            _date("ceremony_on", "Ngày lễ kết nạp"),
            _text("helper_name", "Đảng viên chính thức giúp đỡ đảng viên dự bị", required=False, stored=False),
            _text("helper_cell", "Chi bộ của đảng viên giúp đỡ", required=False, stored=False),
        ),
        date_field="ceremony_on",
        regulation="Quy định 294-QĐ/TW, mục 4.1; Hướng dẫn 06-HD/TW, mục 3.8",
    ),
    Step(
        code="new_member_certificate",
        label="Ghi giấy chứng nhận lớp đảng viên mới",
        kind=EventKind.NEW_MEMBER_CERTIFICATE,
        sources=frozenset({Stage.ADMITTED, Stage.PROBATION}),
        target=None,
        fields=(
            _text("new_member_cert_number", "Số giấy chứng nhận"),
            _date("new_member_cert_on", "Ngày cấp giấy chứng nhận"),
        ),
        date_field="new_member_cert_on",
        document_field="new_member_cert_number",
        regulation="Hướng dẫn 06-HD/TW, mục 4.1",
    ),
    Step(
        code="recognition",
        label="Công nhận đảng viên chính thức (16-KNĐ)",
        kind=EventKind.RECOGNITION,
        sources=frozenset({Stage.PROBATION}),
        target=Stage.FULL_MEMBER,
        fields=(
            _date("recognition_cell_resolution_on", "Ngày chi bộ ra nghị quyết đề nghị công nhận"),
            _count("recognition_votes_for", "Số đảng viên chính thức tán thành"),
            _count("recognition_members_counted", "Tổng số đảng viên chính thức của chi bộ"),
            _text("recognition_number", "Số quyết định công nhận"),
            _date("recognition_on", "Ngày quyết định công nhận"),
            _text("recognition_body", "Cấp ủy ra quyết định"),
        ),
        date_field="recognition_on",
        document_field="recognition_number",
        regulation="Quy định 294-QĐ/TW, mục 4.2, 4.3; Hướng dẫn 06-HD/TW, mục 4",
    ),
    Step(
        code="drop",
        label="Dừng xem xét kết nạp",
        kind=EventKind.DROPPED,
        sources=BEFORE_ADMISSION,
        target=Stage.DROPPED,
        fields=(
            FieldSpec("exit_reason", "Lý do", "reason"),
            _date("exit_on", "Ngày"),
            _text("exit_note", "Ghi chú", required=False),
        ),
        date_field="exit_on",
        exit=True,
        danger=True,
    ),
    Step(
        code="remove",
        label="Xóa tên đảng viên dự bị",
        kind=EventKind.REMOVED,
        sources=frozenset({Stage.PROBATION}),
        target=Stage.REMOVED,
        fields=(
            _text("exit_document", "Số quyết định xóa tên"),
            _date("exit_on", "Ngày quyết định"),
            _text("exit_note", "Lý do"),
        ),
        date_field="exit_on",
        document_field="exit_document",
        regulation="Hướng dẫn 06-HD/TW, mục 4.6",
        exit=True,
        danger=True,
    ),
    Step(
        code="cancel",
        label="Hủy quyết định kết nạp",
        kind=EventKind.CANCELLED,
        sources=frozenset({Stage.ADMITTED, Stage.PROBATION, Stage.FULL_MEMBER}),
        target=Stage.CANCELLED,
        fields=(
            _text("exit_document", "Số quyết định hủy bỏ"),
            _date("exit_on", "Ngày quyết định"),
            _text("exit_note", "Lý do (sai tiêu chuẩn, điều kiện, thẩm quyền hoặc thủ tục)"),
        ),
        date_field="exit_on",
        document_field="exit_document",
        regulation="Quy định 294-QĐ/TW, mục 4.4",
        exit=True,
        danger=True,
    ),
)

STEP_BY_CODE: dict[str, Step] = {step.code: step for step in STEPS}
# Which step writes which event kind (corrections restore what the step set).
STEP_BY_KIND: dict[str, Step] = {step.kind: step for step in STEPS}


def steps_from(stage: str) -> list[Step]:
    """The steps allowed from `stage`, in the order of the pipeline (exits last)."""
    return [step for step in STEPS if stage in step.sources]


def step_refusal(step: Step, stage: str) -> str:
    """The Vietnamese message for a step that is not allowed from `stage`."""
    allowed = ", ".join(f"“{s.label}”" for s in steps_from(stage)) or "không có"
    return (
        f"Không thể thực hiện “{step.label}” khi quần chúng đang ở bước “{Stage(stage).label}”. "
        f"Các bước có thể làm tiếp: {allowed}."
    )


def stage_label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else stage
