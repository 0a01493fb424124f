"""Stratification CSV files: the column variants practitioners use, clear errors, round trips."""

from __future__ import annotations

import re

import pytest

from analysis.sortition import (
    Categories,
    Quota,
    SelectionInputError,
    categories_to_csv,
    parse_categories,
    parse_category_labels,
    parse_respondents,
    read_categories,
    read_respondents,
    respondents_to_csv,
    write_categories,
    write_respondents,
)

CATEGORIES = (
    "category,name,min,max\ngender,female,1,2\ngender,male,1,2\nage,young,0,2\nage,old,1,3\n"
)
RESPONDENTS = "id,gender,age\n1,female,young\n2,male,old\n3,female,old\n"


def test_reads_the_plain_format():
    categories = parse_categories(CATEGORIES)
    assert categories.names == ("gender", "age")
    assert categories.quota("age", "old") == Quota("age", "old", 1, 3)
    assert categories.warnings == ()
    people = parse_respondents(RESPONDENTS, categories)
    assert [p.id for p in people] == ["1", "2", "3"]
    assert people.people[2].features == {"gender": "female", "age": "old"}


def test_reads_sortition_foundation_feature_value_columns_and_their_flex():
    text = "Feature , Value ,Min,Max,min_flex,max_flex\nGender,Female,1,2,0,3\nGender,Male,1,2,,\n"
    categories = parse_categories(text)
    assert categories.quotas == (
        Quota("Gender", "Female", 1, 2, 0, 3),
        Quota("Gender", "Male", 1, 2, None, None),
    )
    assert categories.warnings == ()
    assert parse_categories(categories_to_csv(categories)) == categories


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("category,name,min,max,min_flex\ng,a,1,2,2\n", "min_flex (2) must be between 0 and min"),
        ("category,name,min,max,max_flex\ng,a,1,2,1\n", "max_flex (1) is smaller than max (2)"),
    ],
)
def test_flex_outside_the_quota_is_refused(text, fragment):
    with pytest.raises(SelectionInputError, match=re.escape(fragment)):
        parse_categories(text)


def test_reads_pgoelz_category_feature_columns():
    categories = parse_categories("category,feature,min,max\ngender,female,9,20\n")
    assert categories.quotas == (Quota("gender", "female", 9, 20),)


def test_unknown_columns_are_reported_not_fatal():
    categories = parse_categories("CATEGORY,NAME,MIN,MAX,notes\ngender,female,0,1\n")
    assert categories.warnings == ("the column “notes” is not one we read, so it was ignored",)


@pytest.mark.parametrize(
    "id_column",
    [
        "id",
        "nationbuilder_id",
        "Person ID",
        "respondent_id",
        "ID",
        "pool_member_identifier",
        "unique_id",
    ],
)
def test_respondent_id_column_variants(id_column):
    categories = parse_categories(CATEGORIES)
    people = parse_respondents(f"{id_column},Gender,AGE\np1,Female, young \n", categories)
    assert people.people[0].id == "p1"
    assert people.people[0].features == {"gender": "female", "age": "young"}  # canonical spelling


def test_a_named_id_column_wins_over_the_usual_names():
    categories = parse_categories(CATEGORIES)
    people = parse_respondents("id,ref,gender,age\n1,r9,male,old\n", categories, id_column="REF")
    assert people.people[0].id == "r9"
    assert people.people[0].extra == {"id": "1"}
    with pytest.raises(SelectionInputError, match="no 'code' column"):
        parse_respondents("id,gender,age\n1,male,old\n", categories, id_column="code")


def test_a_file_without_id_column_numbers_people_by_row_and_says_so():
    categories = parse_categories(CATEGORIES)
    people = parse_respondents("gender,age\nmale,old\n\nfemale,young\n", categories)
    assert [p.id for p in people] == ["1", "2"]  # blank lines do not count
    assert people.people[1].features == {"gender": "female", "age": "young"}
    assert any("numbered by their row" in w for w in people.warnings)
    assert respondents_to_csv(people, categories).startswith("id,gender,age\n1,male,old\n")


def test_extra_respondent_columns_are_kept_and_reported():
    categories = parse_categories(CATEGORIES)
    people = parse_respondents(
        "id,email,gender,age,address\n1,a@b.c,male,old,1 High St\n", categories
    )
    assert people.extra_columns == ("email", "address")
    assert people.people[0].extra == {"email": "a@b.c", "address": "1 High St"}
    assert people.warnings[0] == (
        "the columns “email” and “address” are not quota categories, so they are kept as "
        "extra information about each person"
    )
    one = parse_respondents("id,gender,age,household\n1,male,old,H1\n", categories)
    assert one.warnings == (
        "the column “household” is not a quota category, so it is kept as extra "
        "information about each person",
    )
    assert not any("(s)" in w for w in (*people.warnings, *one.warnings))


def test_display_labels_survive_a_categories_file_round_trip():
    labels = {
        ("gender", "female"): ("Gender", "Woman"),
        ("gender", "male"): ("Gender", "Man"),
        ("age", "young"): ("Age", "16 to 29"),
        ("age", "old"): ("Age", "30 and over"),
    }
    text = categories_to_csv(parse_categories(CATEGORIES), labels)
    assert text.splitlines()[:2] == [
        "category,name,min,max,category_label,name_label",
        "gender,female,1,2,Gender,Woman",
    ]
    read_back = parse_categories(text)
    assert read_back.warnings == ()  # the label columns are understood
    assert read_back.quotas == parse_categories(CATEGORIES).quotas
    assert parse_category_labels(text) == labels
    assert parse_category_labels(CATEGORIES) == {}  # no label columns, no labels
    assert categories_to_csv(read_back) == CATEGORIES  # without labels, the plain format


@pytest.mark.parametrize(
    ("text", "fragment", "row"),
    [
        ("category,name,min,max\ngender,female,3,2\n", "larger than max", 2),
        ("category,name,min,max\ngender,female,1,2\ngender,male,x,2\n", "whole number", 3),
        ("category,name,min,max\ngender,female,1.5,2\n", "whole number", 2),
        ("category,name,min\ngender,female,1\n", "missing the column “max”", None),
        ("name,min,max\nfemale,1,2\n", "'category' (or 'feature')", None),
        ("category,name,min,max\ngender,female,1,2\ngender,Female,1,2\n", "already has a quota", 3),
        ("", "empty", None),
    ],
)
def test_bad_categories_files_say_what_and_where(text, fragment, row):
    with pytest.raises(SelectionInputError) as caught:
        parse_categories(text)
    assert fragment in str(caught.value)
    assert caught.value.row == row


@pytest.mark.parametrize(
    ("text", "fragment", "row"),
    [
        ("id,gender,age\n1,female,young\n2,other,old\n", "gender = 'other'", 3),
        ("id,gender,age\n1,female,young\n1,male,old\n", "already appears on line 2", 3),
        ("id,gender\n1,female\n", "missing the category column “age”", None),
        ("id,gender,age\n,female,young\n", "id is empty", 2),
        ("id,gender,age\n1,female,\n", "age = ''", 2),
    ],
)
def test_bad_respondents_files_say_what_and_where(text, fragment, row):
    with pytest.raises(SelectionInputError) as caught:
        parse_respondents(text, parse_categories(CATEGORIES))
    assert fragment in str(caught.value)
    assert caught.value.row == row
    if row is not None:
        assert str(caught.value).startswith(f"line {row}:")


def test_writers_produce_what_the_readers_read(tmp_path):
    categories = parse_categories(CATEGORIES)
    people = parse_respondents(
        "nationbuilder_id,gender,age,address\nx,male,old,1 Road\n", categories
    )
    write_categories(categories, tmp_path / "c.csv")
    write_respondents(people, categories, tmp_path / "r.csv")
    again = read_categories(tmp_path / "c.csv")
    assert again.quotas == categories.quotas
    assert read_respondents(tmp_path / "r.csv", again).people == people.people
    assert categories_to_csv(categories).splitlines()[0] == "category,name,min,max"
    assert (
        respondents_to_csv(people, categories).splitlines()[0]
        == "nationbuilder_id,gender,age,address"
    )


def test_reads_a_utf8_file_with_byte_order_mark(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("\ufeffcategory,name,min,max\nrégion,Île,0,1\n", encoding="utf-8")
    assert read_categories(path) == Categories((Quota("région", "Île", 0, 1),))
