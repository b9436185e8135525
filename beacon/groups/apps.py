from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "beacon.groups"
    label = "groups"
    verbose_name = "Support groups"

    def ready(self):
        from beacon.groups.hours import group_hours_items
        from beacon.groups.timeline import attendance_timeline_entries
        from beacon.participants.selectors import timeline_source_register
        from beacon.workforce.hours import hours_source_register

        timeline_source_register("groups", attendance_timeline_entries)
        hours_source_register("groups", group_hours_items)
