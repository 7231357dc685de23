"""Reminders, escalations and alerts: the LA's policy, the planner, the message types and when they may go out.

- ``policy``: the reminder and escalation policy as validated data (config/policy/*.toml);
- ``planner``: which reminders, escalations and stage alerts are due on a day, for one case;
- ``messages``: what a planned message is, its key and where it stands in the outbox;
- ``delivery``: when a message may be sent (working days, outside quiet hours) and when to retry;
- ``report_mail``: who gets the weekly timeliness report by email.
"""
