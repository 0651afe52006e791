from django import template

from grants.notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context):
    """The header's "Notifiche" link with the unread count: one indexed COUNT per page."""
    request = context.get("request")
    return {"unread": unread_count(getattr(request, "user", None))}
