"""Reading answers from CSV: columns, empty files, encodings."""

import pytest

from analysis.io import InputError, read_answers


def write(tmp_path, content: bytes, name: str = "answers.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_reads_texts_and_ids(tmp_path):
    path = write(tmp_path, b'ref,answer\nA1,Buses are late\nA2,"Parks, trees"\n')
    answers = read_answers(path, "answer", "ref")
    assert answers.texts == ("Buses are late", "Parks, trees")
    assert answers.ids == ("A1", "A2")
    assert answers.encoding == "utf-8"


def test_ids_default_to_row_numbers_and_bom_is_ignored(tmp_path):
    path = write(tmp_path, "\ufeffanswer\nfirst\nsecond\n".encode())
    assert read_answers(path, "answer").ids == ("0", "1")


def test_missing_column_names_the_columns_that_exist(tmp_path):
    path = write(tmp_path, b"ref,answer\n1,hello\n")
    with pytest.raises(InputError, match=r"no column 'comment'.*'ref', 'answer'"):
        read_answers(path, "comment")


def test_column_names_match_ignoring_case(tmp_path):
    path = write(tmp_path, b"Answer\nhello\n")
    assert read_answers(path, "answer").texts == ("hello",)


def test_empty_file_and_header_only_are_refused(tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_answers(write(tmp_path, b""), "answer")
    with pytest.raises(InputError, match="no answers"):
        read_answers(write(tmp_path, b"answer\n", "header.csv"), "answer")


def test_windows_1252_file_is_read(tmp_path):
    path = write(tmp_path, "answer\nThe caf\u00e9 costs \u00a35 \u2013 too much\n".encode("cp1252"))
    answers = read_answers(path, "answer")
    assert answers.texts == ("The caf\u00e9 costs \u00a35 \u2013 too much",)
    assert answers.encoding == "cp1252"


def test_undecodable_file_is_refused_naming_the_row(tmp_path):
    path = write(tmp_path, b"answer\nfine\nalso fine\nbad \x81\xe9 byte\n")
    with pytest.raises(InputError, match="row 3"):
        read_answers(path, "answer")


def test_duplicate_ids_are_refused(tmp_path):
    path = write(tmp_path, b"id,answer\n1,a\n1,b\n")
    with pytest.raises(InputError, match="more than once"):
        read_answers(path, "answer", "id")
