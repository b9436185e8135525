import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from beacon.ops.startup import prepare_process  # noqa: E402 - needs Django set up first

prepare_process()
