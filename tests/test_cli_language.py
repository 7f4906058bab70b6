"""``python -m datastore`` speaks the interface language (issue 25 item 3): ``--lang`` before
the command, else ``COOP_LANG``, else English. The expected texts are written out by hand."""

from __future__ import annotations

import pytest
from store_cli import run_cli, store_env
from test_datastore import BASE_VISITS, write_dataset


@pytest.fixture
def cli(tmp_path, monkeypatch, database_url):
    """Run ``python -m datastore ARGS`` with ``stdin``; returns (status, out, err)."""
    base = store_env(tmp_path, monkeypatch)
    monkeypatch.delenv("COOP_LANG", raising=False)

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run_cli(monkeypatch, *args, stdin=stdin)

    run.base = base
    return run


def _with_an_editor(cli):
    assert cli("add-editor", "boss", "--admin", "--password-stdin", stdin="boss-pass\n")[0] == 0


def test_russian_with_the_option(cli, tmp_path):
    base = cli.base
    status, out, _ = cli("--lang", "ru", "history")
    assert (status, out.strip()) == (
        0, f"Ещё ничего не сохранено: показаны данные из файлов COOP_DATA ({base}).")
    missing = tmp_path / "missing.xlsx"
    status, _, err = cli("--lang", "ru", "publish", str(missing), "--editor", "boss",
                         "--password-stdin", stdin="x\n")
    assert (status, err.strip()) == (1, f"Файла {missing} нет.")
    _with_an_editor(cli)
    status, _, err = cli("--lang", "ru", "rollback", "1", "--editor", "boss",
                         "--password-stdin", stdin="wrong-pass\n")
    assert (status, err.strip()) == (1, "Неверное имя или пароль.")
    out_file = tmp_path / "out.xlsx"
    status, out, err = cli("--lang", "ru", "export", "--out", str(out_file))
    assert status == 0, err
    assert out.strip() == (f"Ещё ничего не сохранено: показанные данные, файлы COOP_DATA "
                           f"({base}), записаны в {out_file}.")


def test_uzbek_from_coop_lang(cli, tmp_path, monkeypatch):
    base = cli.base
    monkeypatch.setenv("COOP_LANG", "uz")
    status, out, _ = cli("history")
    assert (status, out.strip()) == (
        0, f"Hali hech narsa saqlanmagan: koʻrsatilayotgan maʼlumotlar COOP_DATA fayllaridan "
           f"({base}).")
    missing = tmp_path / "missing.xlsx"
    status, _, err = cli("publish", str(missing), "--editor", "boss", "--password-stdin",
                         stdin="x\n")
    assert (status, err.strip()) == (1, f"{missing} fayli yoʻq.")
    _with_an_editor(cli)
    status, _, err = cli("rollback", "1", "--editor", "boss", "--password-stdin",
                         stdin="wrong-pass\n")
    assert (status, err.strip()) == (1, "Nom yoki parol notoʻgʻri.")
    out_file = tmp_path / "out.xlsx"
    status, out, err = cli("export", "--out", str(out_file))
    assert status == 0, err
    assert out.strip() == (f"Hali hech narsa saqlanmagan: koʻrsatilayotgan maʼlumotlar, "
                           f"COOP_DATA fayllari ({base}), {out_file} ga yozildi.")


def test_the_option_wins_over_coop_lang_and_a_publish_in_russian(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("COOP_LANG", "uz")
    _with_an_editor(cli)
    changed = write_dataset(tmp_path / "new", "base", rows=3, visits=BASE_VISITS)
    status, out, err = cli("--lang", "ru", "publish", str(changed), "--editor", "boss",
                           "--password-stdin", stdin="boss-pass\n")
    assert status == 0, err
    assert out.strip() == "Опубликовано как версия 2: partners +1 ~0 -0"
    status, out, _ = cli("--lang", "ru", "diff", "1", "2")
    assert out.splitlines() == ["partners: добавлено 1, изменено 0, удалено 0", "  + p2"]


def test_english_by_default_and_with_an_unknown_coop_lang(cli, tmp_path, monkeypatch):
    base = cli.base
    status, out, _ = cli("history")
    assert (status, out.strip()) == (
        0, f"Nothing has been saved yet: the data shown is the files of COOP_DATA ({base}).")
    monkeypatch.setenv("COOP_LANG", "de")
    missing = tmp_path / "missing.xlsx"
    status, _, err = cli("publish", str(missing), "--editor", "boss", "--password-stdin",
                         stdin="x\n")
    assert (status, err) == (1, f"There is no file {missing}.\n")
    _with_an_editor(cli)
    status, _, err = cli("rollback", "1", "--editor", "boss", "--password-stdin",
                         stdin="wrong-pass\n")
    assert (status, err) == (1, "Wrong name or password.\n")
    status, out, _ = cli("--lang", "en", "export", "--out", str(tmp_path / "o.xlsx"))
    assert out == (f"Nothing has been saved yet: the data shown, the files of COOP_DATA "
                   f"({base}), written to {tmp_path / 'o.xlsx'}.\n")


def test_a_language_the_cli_does_not_know_is_a_usage_error(cli):
    assert cli("--lang", "de", "history")[0] == 2
