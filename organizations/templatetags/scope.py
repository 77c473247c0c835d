from django import template

from organizations.access import Action

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, organization) -> bool:
    """{% can "manage_tree" organization as flag %}: whether the current user may do `action` there."""
    request = context.get("request")
    if request is None or organization is None:
        return False
    return request.access.can(Action(action), organization)
