from .access import Action
from .selectors import organization_breadcrumb


def workplace(request):
    """The current organization and its breadcrumb, shown on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    organization = request.organization
    if not organization:
        return {"current_org": None, "breadcrumb": [], "access": request.access, "Action": Action}
    return {
        "current_org": organization,
        "breadcrumb": organization_breadcrumb(user=user, organization=organization),
        "access": request.access,
        "Action": Action,
        "has_several_workplaces": len(request.access.assignments) > 1,
    }
