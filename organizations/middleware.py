from django.utils.functional import SimpleLazyObject

from .access import access_for

SESSION_KEY = "current_organization_id"


def _current_organization(request):
    access = access_for(request.user)
    if not access.assignments:
        return None
    wanted = request.session.get(SESSION_KEY)
    if wanted is not None:
        for assignment in access.assignments:
            if assignment.organization_id == wanted:
                return assignment.organization
        organization = access.organizations().select_related("kind").filter(pk=wanted).first()
        if organization is not None:
            return organization
    return access.roots()[0] if access.roots() else access.assignments[0].organization


class CurrentOrganizationMiddleware:
    """Attach the user's scope (`request.access`) and where they work now (`request.organization`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(lambda: access_for(request.user))
        request.organization = SimpleLazyObject(lambda: _current_organization(request))
        return self.get_response(request)
