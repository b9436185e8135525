"""How Beacon writes dates and times in English: one format for dates, one for date-times.

Issue 15 found a page showing 2026-12-07, 12/07/2026 and "Dec. 14, 2026" side by side. Django's
own English formats differ between DATE_FORMAT and SHORT_DATE_FORMAT, so Beacon sets them all
alike here (FORMAT_MODULE_PATH in config/settings.py). A Spanish module (config/formats/es/)
can follow with the translation. Machine formats (CSV, the API, iCalendar, HSDS, <input
type="date"> values) stay ISO 8601 and do not come from here. docs/configuration.md says more.
"""

# Dec 7, 2026
DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = DATE_FORMAT
# 3:05 p.m., 9 a.m., noon (as Find Help writes opening hours)
TIME_FORMAT = "P"
# Dec 7, 2026, 3:05 p.m.
DATETIME_FORMAT = "M j, Y, P"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# December 2026
YEAR_MONTH_FORMAT = "F Y"
# December 7
MONTH_DAY_FORMAT = "F j"
