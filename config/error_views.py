"""Error pages in Vietnamese. They never echo the request (URLs and form data may hold personal data)."""

from django.shortcuts import render


def _page(request, status: int, title: str, message: str):
    return render(request, "error.html", {"title": title, "message": message, "status": status}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Hãy thử lại.")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "Đồng chí không có quyền thực hiện thao tác này."
    return _page(request, 403, "Không có quyền", message)


def page_not_found(request, exception=None):
    return _page(request, 404, "Không tìm thấy", "Không tìm thấy trang hoặc dữ liệu được yêu cầu.")


def server_error(request):
    """A page that needs nothing else to work: no base layout, no context processors, no database."""
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())
