"""Shared defaults of planning: the usual metrics and the sections a new plan starts with (as in the seeds)."""

METRICS = [
    # code, name, column name, unit, sort order
    ("ket-nap", "Kết nạp đảng viên", "Kết nạp", "đảng viên", 10),
    ("nhan-thuc-hoc-vien", "Bồi dưỡng nhận thức về Đảng (học viên)", "Học viên nhận thức", "quần chúng", 20),
    ("nhan-thuc-lop", "Lớp bồi dưỡng nhận thức về Đảng", "Lớp nhận thức", "lớp", 30),
    ("dang-vien-moi-hoc-vien", "Bồi dưỡng đảng viên mới (học viên)", "Học viên đảng viên mới", "đảng viên", 40),
    ("dang-vien-moi-lop", "Lớp bồi dưỡng đảng viên mới", "Lớp đảng viên mới", "lớp", 50),
]

# The body every seed plan has, in this order; staff fill in the text (the targets print from the plan's data).
SECTION_TEMPLATE = [
    ("Mục đích, yêu cầu", "1. Mục đích\n- \n2. Yêu cầu\n- "),
    ("Mục tiêu, đối tượng", "1. Mục tiêu\n(Các chỉ tiêu được in từ bảng chỉ tiêu của kế hoạch.)\n2. Đối tượng\n- "),
    ("Nhiệm vụ và giải pháp", "1. \n2. "),
    ("Tổ chức thực hiện", "1. \n2. "),
]


def default_recipients(issuer_name: str, parent_name: str | None) -> str:
    lines = []
    if parent_name:
        lines.append(f"- Ban Tổ chức {parent_name} (b/c),")
    lines += [
        "- Các đồng chí Ủy viên Ban Thường vụ,",
        "- Các tổ chức cơ sở đảng, chi bộ trực thuộc,",
        f"- Lưu Văn phòng {issuer_name}.",
    ]
    return "\n".join(lines)


def install_metrics(apps=None) -> None:
    """Create the shared metrics if missing (idempotent; used by a migration and by tests)."""
    if apps is None:
        from .models import Metric
    else:
        Metric = apps.get_model("planning", "Metric")
    for code, name, short_name, unit, order in METRICS:
        Metric.objects.get_or_create(
            tenant=None,
            code=code,
            defaults={"name": name, "short_name": short_name, "unit": unit, "sort_order": order},
        )
