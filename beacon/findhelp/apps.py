from django.apps import AppConfig


class FindhelpConfig(AppConfig):
    name = "beacon.findhelp"
    label = "findhelp"

    def ready(self):
        from beacon.directory.changes import services_changed_listen
        from beacon.findhelp.index import services_changed_refresh

        # Keeps the search index current whenever a writer says directory entries changed.
        services_changed_listen(services_changed_refresh)
