import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from beacon.core.startup import prepare_process  # noqa: E402 - needs Django set up first

prepare_process()
