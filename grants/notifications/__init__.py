"""In-app and e-mail notifications to users, with per-user preferences and scheduled reminders."""
