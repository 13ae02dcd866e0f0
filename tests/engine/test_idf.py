"""The idf must stay positive for terms in most passages (rank_bm25 #39, #43)."""
from rank_bm25 import BM25Okapi

from bot.engine.index import LuceneBM25, PassageIndex

DOCS = [["musk", "lecun", "feud"], ["musk", "lecun", "tweet"], ["musk", "lecun", "paper"], ["musk", "cars"]]


def test_okapi_idf_goes_negative_where_ours_stays_positive():
    okapi = BM25Okapi(DOCS)
    # log((4 - 4 + .5) / (4 + .5)) < 0: the floor epsilon is all Okapi leaves "musk".
    assert okapi.idf["musk"] == okapi.epsilon * okapi.average_idf
    ours = LuceneBM25(DOCS)
    assert all(value > 0 for value in ours.idf.values())
    assert ours.idf["musk"] < ours.idf["lecun"] < ours.idf["feud"]


def test_a_term_in_every_passage_still_counts():
    index = PassageIndex(DOCS)
    with_name = index.scores(["lecun", "feud"])
    without = index.scores(["feud"])
    assert with_name[0] > without[0] > 0
    assert index.scores(["musk"]).min() > 0


def test_bundled_corpus_names_have_positive_weight(library):
    index = library.answers.index
    for name in ("musk", "lecun"):
        assert name in index and index.idf(name) > 0
