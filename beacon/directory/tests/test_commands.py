"""`beacon directory import` and `beacon directory export`: messages and exit codes."""

import io

import pytest

from beacon.directory.commands import ProgressBar
from beacon.directory.models import Service
from beacon.ops.cli import main

pytestmark = pytest.mark.django_db


def test_import_prints_counts_and_warnings_and_exits_0(examples, capsys):
    assert main(["directory", "import", str(examples / "csv")]) == 0

    out, err = capsys.readouterr()
    assert "warning: locations.csv, row 2, field 'latitude': 100 is not a latitude" in out
    assert "  service: 1 created" in out
    assert "7 warning(s)" in out
    assert "service " in err and "1/1" in err  # the progress bar
    assert Service.objects.count() == 1


def test_a_refused_import_names_the_fault_and_exits_1(csv_copy, capsys):
    services = csv_copy / "services.csv"
    services.write_text(services.read_text().replace("wait_time,", "waiting_time,"))

    assert main(["directory", "import", str(csv_copy)]) == 1

    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert "error: services.csv, row 1, field 'waiting_time': unknown column" in err
    assert not Service.objects.exists()


def test_import_records_the_curating_organization(examples, harbor, capsys):
    assert main(["directory", "import", str(examples / "csv"), "--organization", harbor.name]) == 0
    assert Service.objects.get().curator == harbor


def test_import_refuses_an_unknown_organization(examples, capsys):
    assert main(["directory", "import", str(examples / "csv"), "--organization", "Nobody"]) == 1
    assert "no Beacon organization" in capsys.readouterr().err
    assert not Service.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_writes_the_files_and_exits_0(examples, tmp_path, capsys, fmt):
    main(["directory", "import", str(examples / "csv")])
    capsys.readouterr()

    assert main(["directory", "export", str(tmp_path / "out"), "--format", fmt]) == 0

    out = capsys.readouterr().out
    assert f"as HSDS 3.0 {fmt} to" in out
    expected = "datapackage.json" if fmt == "csv" else "services.json"
    assert (tmp_path / "out" / expected).is_file()


def test_export_into_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "a-file"
    target.write_text("")
    assert main(["directory", "export", str(target), "--format", "csv"]) == 1
    assert "is not a directory" in capsys.readouterr().err


def test_export_needs_a_known_format(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["directory", "export", str(tmp_path), "--format", "xml"])
    assert exit_.value.code == 2


def test_the_progress_bar_writes_one_line_per_table_when_not_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar("service", 1, 2)
    bar("service", 2, 2)
    assert stream.getvalue() == "service                  [" + "#" * 30 + "] 2/2\n"


def test_the_progress_bar_says_when_find_help_is_being_updated():
    stream = io.StringIO()
    ProgressBar(stream).indexing(20_000)
    assert stream.getvalue() == "Updating Find Help's search index for 20,000 services...\n"


def test_import_says_when_find_help_is_being_updated(examples, capsys):
    assert main(["directory", "import", str(examples / "csv")]) == 0
    assert "Updating Find Help's search index for" in capsys.readouterr().err
