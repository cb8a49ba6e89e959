"""What enrichment saves: the sentence budget per article and the embedder's vector cache."""

from __future__ import annotations

import numpy as np

from minbar.analysis.analyze import LEAD_SENTENCES, analyze_texts, within_budget
from minbar.analysis.embeddings import get_embedder


def test_budget_keeps_title_lead_then_claim_like_sentences() -> None:
    sents = [
        "Deprem Van'ı vurdu",  # title
        "Van'da deprem oldu.",
        "Kurtarma ekipleri bölgede.",
        "Hava soğuk ve yağmurlu, ekipler çadır kuruyor, gönüllüler yardım topluyor.",
        "Bakan 18 kişinin öldüğünü açıkladı.",
        'Vali "okullar tatil" dedi.',
    ]
    assert within_budget(sents, None) == [True] * len(sents)
    assert within_budget(sents, 10_000) == [True] * len(sents)
    budget = sum(len(s) for s in sents[:LEAD_SENTENCES]) + len(sents[4]) + len(sents[5])
    # the numbers and the quotation go in before the long descriptive sentence
    assert within_budget(sents, budget) == [True, True, True, False, True, True]
    assert within_budget(["x" * 5000], 100) == [True]  # never nothing


def test_analysis_under_a_budget_scores_only_what_it_embedded() -> None:
    text = " ".join(
        ["Ankara'da bugün toplantı yapıldı."]
        + ["Toplantıda birçok konu uzun uzun konuşuldu ve görüşler paylaşıldı."] * 6
        + ["Bakanlık bütçenin yüzde 35 arttığını açıkladı."]
    )
    full, cut = (
        analyze_texts([text], ["tr"], titles=["Bütçe toplantısı"], budget=b)[0] for b in (None, 200)
    )
    assert full.sentences == cut.sentences and full.embedded.all()
    assert 0 < cut.embedded.sum() < len(cut.sentences)
    assert cut.embedded[-1]  # the sentence with a number made it in
    left_out = ~cut.embedded
    assert not cut.checkworthy[left_out].any() and not cut.scores[left_out].any()
    assert not np.abs(cut.vectors[left_out]).any()
    kept = cut.embedded
    np.testing.assert_allclose(cut.scores[kept], full.scores[kept], atol=1e-3)
    assert [e.key for e in cut.entities] == [e.key for e in full.entities]  # whole text read


def test_embedder_cache_returns_the_same_vectors_without_encoding_again() -> None:
    emb = get_embedder()
    texts = ["Merkez Bankası faizi sabit tuttu.", "Центробанк сохранил ставку."]
    first = emb.queries(texts)
    hits, misses = emb.hits, emb.misses
    again = emb.queries([texts[1], texts[0], texts[1]])
    assert emb.hits - hits == 3 and emb.misses == misses
    np.testing.assert_array_equal(again, first[[1, 0, 1]])
    # queries and passages are different vectors: never served for each other
    assert not np.allclose(emb.passages([texts[0]])[0], first[0])
    sp = emb.sparse([texts[0]])[0]
    sp2 = emb.sparse([texts[0]])[0]
    assert sp2[0] is sp[0]  # served from the cache
