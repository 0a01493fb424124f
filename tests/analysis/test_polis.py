"""Pol.is export readers (analysis/polis.py), on tiny files written here."""

import pytest

from analysis.polis import read_polis_groups, read_votes

VOTES = """timestamp,datetime,comment-id,voter-id,vote
1000,Mon,0,7,1
1005,Mon,1,7,-1
1010,Mon,0,8,0
1003,Mon,0,7,-1
1020,Mon,1,8,1
900,Mon,1,8,-1
"""

MATRIX = """participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2
7,0,0,2,0,2,-1,-1,
8,,0,2,1,0,0,1,
9,1,1,1,1,0,,,1
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_votes_csv_keeps_the_latest_vote_by_timestamp(tmp_path):
    votes = read_votes(write(tmp_path, "votes.csv", VOTES))
    assert sorted(votes) == [("7", "0", -1), ("7", "1", -1), ("8", "0", 0), ("8", "1", 1)]
    # In the order of the kept votes' timestamps.
    assert votes == [("7", "0", -1), ("7", "1", -1), ("8", "0", 0), ("8", "1", 1)]


def test_participants_votes_csv_skips_empty_cells(tmp_path):
    votes = read_votes(write(tmp_path, "participants-votes.csv", MATRIX))
    assert votes == [("7", "0", -1), ("7", "1", -1), ("8", "0", 0), ("8", "1", 1), ("9", "2", 1)]


def test_groups_only_for_participants_with_one(tmp_path):
    groups = read_polis_groups(write(tmp_path, "participants-votes.csv", MATRIX))
    assert groups == {"7": 0, "9": 1}


def test_wrong_file_names_expected_and_found_columns(tmp_path):
    path = write(tmp_path, "comments.csv", "timestamp,comment-id,comment-body\n1,0,hello\n")
    with pytest.raises(ValueError, match=r"voter-id.*found columns \[timestamp, comment-id"):
        read_votes(path)
    with pytest.raises(ValueError, match=r"group-id.*found columns \[timestamp"):
        read_polis_groups(path)
    with pytest.raises(ValueError, match="group-id"):
        read_polis_groups(write(tmp_path, "votes.csv", VOTES))


def test_bad_vote_value_is_refused(tmp_path):
    path = write(tmp_path, "votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,2\n")
    with pytest.raises(ValueError, match="line 2"):
        read_votes(path)


def test_read_moderated_out_lists_only_statements_a_moderator_removed(tmp_path):
    from analysis.polis import read_moderated_out

    comments = tmp_path / "comments.csv"
    comments.write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,1,5,3,1,1,Keep the park open\n"
        "2,x,2,5,0,4,-1,Spam\n"
        "3,x,3,6,1,1,0,Unmoderated\n",
        encoding="utf-8",
    )
    assert read_moderated_out(comments) == {"2"}
    votes = tmp_path / "votes.csv"
    votes.write_text("timestamp,datetime,comment-id,voter-id,vote\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"comments\.csv"):
        read_moderated_out(votes)


def test_meta_statements_count_as_moderated_out(tmp_path):
    from analysis.polis import read_moderated_out

    comments = tmp_path / "comments.csv"
    comments.write_text(
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1,1,5,3,1,1,0,0,0.5,Keep the park open\n"
        "2,2,5,0,4,1,1,0,0.5,I identify as male\n"
        "3,3,6,1,1,-1,False,0,0.5,Spam\n"
        "4,4,6,1,1,0,true,0,0.5,I am over 65\n",
        encoding="utf-8",
    )
    assert read_moderated_out(comments) == {"2", "3", "4"}
