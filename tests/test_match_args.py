"""Matching: event arguments that must agree (numbers, named entities across scripts), one row per
published case, re-ranker weights over a subset of the features."""

from __future__ import annotations

import json

import pytest

from minbar.matching.features import FEATURES, entities, pair_features, side, sparse_cover
from minbar.matching.match import Matcher, vetoed
from minbar.matching.rerank import Reranker, default_reranker
from tests.test_cases import CLAIM, EN_SAME, make_world, to_status


def _pair(query: str, qlang: str, claim: str, clang: str) -> list[float]:
    return pair_features(0.9, 0.9, 0.5, 0.5, 1.0, side(query, qlang), side(claim, clang))


def test_entities_meet_across_scripts() -> None:
    assert entities("Вышки 5G в Стамбуле и Баку", "ru") == entities(
        "5G masts in Istanbul and Baku", "en"
    )


def test_argument_veto_on_entities_and_numbers() -> None:
    # another country doing the same thing is another claim
    assert vetoed(_pair("Germany doubled the visa fee for foreign students.", "en", CLAIM, "tr"))
    # a restatement in another script keeps its places
    assert not vetoed(
        _pair(
            "Вышки 5G в Стамбуле и Баку распространяют вирус.",
            "ru",
            "Newly installed 5G masts in Istanbul and Baku are spreading a virus.",
            "en",
        )
    )
    # numbers on both sides that never agree
    assert vetoed(
        _pair(
            "Bakının yeni mobil şəbəkəsi əhalinin 85 faizini əhatə edir.",
            "az",
            "Baku's new mobile network covers 58% of the city's population.",
            "en",
        )
    )


def test_sparse_cover_is_the_claims_share() -> None:
    import numpy as np

    claim = (np.array([1, 2, 3], dtype=np.int32), np.array([0.8, 0.6, 0.0], dtype=np.float32))
    query = (np.array([2, 7], dtype=np.int32), np.array([0.6, 0.8], dtype=np.float32))
    assert sparse_cover(query, claim) == pytest.approx(0.36)
    assert sparse_cover(query, (np.array([9], dtype=np.int32), np.ones(1, np.float32))) == 0.0


def test_reranker_weights_over_a_subset_of_features() -> None:
    shipped = default_reranker()
    assert set(shipped.features) <= set(FEATURES)
    data = shipped.to_json()
    assert Reranker.from_json(json.loads(json.dumps(data))) == shipped
    with pytest.raises(ValueError, match="retrain"):
        Reranker.from_json({**data, "features": [*data["features"][:-1], "no_such_feature"]})


def test_published_case_is_matched_once(settings) -> None:
    mb, a = make_world(settings)
    try:
        cid = to_status(mb, a, "approved")
        ids = set(mb.publish(a["lead"], cid)["factcheck_ids"])
        assert len(ids) >= 2  # one row per summary language
        hits = Matcher(mb.store.engine).match(EN_SAME, "en")
        assert len([h for h in hits if h.factcheck_id in ids]) == 1
        assert hits[0].factcheck_id in ids and hits[0].lang == "en"  # the reader's language
        near = Matcher(mb.store.engine).match(
            "Germany doubled the visa fee for foreign students from 1 January.", "en"
        )
        assert not [h for h in near if h.factcheck_id in ids]
    finally:
        mb.wait_evidence(30)
        mb.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5G masts in Istanbul cause headaches", set()),
        ("The G20 summit gathered 20 leaders", {"20"}),
        ("MH17 was shot down, killing 298 people", {"298"}),
        ("Су-35 стоят 85 миллионов", {"85"}),
        ("AI-92 benzini 1,10 manata qalxdı", {"1.1"}),
        ("a 5km road for 3bn dollars", {"5", "3"}),
    ],
)
def test_model_codes_are_not_quantities(text: str, expected: set[str]) -> None:
    from minbar.matching.features import numbers

    assert numbers(text) == expected


def test_two_5g_texts_do_not_share_a_number() -> None:
    feats = _pair("5G masts in Baku", "en", "5G вышки в Баку вызывают рак", "ru")
    assert feats[FEATURES.index("num_match")] == 0.0
    assert not vetoed(feats)


def test_only_entities_that_must_agree_can_veto() -> None:
    from minbar.matching.features import entity_conflict

    # listed places disagree: another claim
    assert entity_conflict(frozenset({"LOC:germany"}), frozenset({"LOC:turkiye"}))
    # a short unlisted organisation counts ("Gürcüstan Milli Bankı" vs another bank)
    assert entity_conflict(
        frozenset({"ORG:gurcustan-milli-banki"}), frozenset({"ORG:azerbaycan-merkezi-banki"})
    )
    # an unlisted person's skeleton key (a tweet's signature, a headline-case run) does not
    assert not entity_conflict(frozenset({"PER:~jnfklsnk"}), frozenset({"PER:~skrts"}))
    # nor a long capitalised run taken for an organisation
    assert not entity_conflict(
        frozenset({"ORG:police-find-satanic-ritual-dungeon"}), frozenset({"ORG:police"})
    )


def test_same_language_pairs_use_their_own_weights() -> None:
    from minbar.matching.match import Candidate
    from minbar.matching.rerank import default_same_reranker

    same = default_same_reranker()
    assert same is not None and same.features == FEATURES  # shipped with the package
    n = len(FEATURES)
    zero = Reranker((0.0,) * n, -5.0, 0.5, (0.0,) * n, (1.0,) * n)
    one = Reranker((0.0,) * n, 5.0, 0.9, (0.0,) * n, (1.0,) * n)
    m = Matcher(None, embedder=object(), reranker=zero, same_reranker=one)
    feats = [0.0] * n
    tr, ru = Candidate(1, 0.9, 0.1, lang="tr"), Candidate(2, 0.9, 0.1, lang="ru")
    assert m.probability(tr, "tr", feats) > 0.99 and m.threshold(tr, "tr") == 0.9
    assert m.probability(ru, "tr", feats) < 0.01 and m.threshold(ru, "tr") == 0.5
    assert m.probability(tr, None, feats) < 0.01  # unknown language: the cross-language model
    # a caller's own re-ranker alone scores every pair
    assert Matcher(None, embedder=object(), reranker=zero).same_reranker is None
