from django import template

from grants.core.selectors import can_view_audit, events_for

register = template.Library()


@register.inclusion_tag("includes/audit_trail.html", takes_context=True)
def audit_trail(context, obj, limit: int = 50):
    """``{% load audit %}{% audit_trail object %}``: the object's events, for staff who may see them."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    allowed = can_view_audit(user)
    return {"audit_events": list(events_for(obj)[:limit]) if allowed else [], "audit_allowed": allowed}
