"""Entities across scripts: the issue's examples, inflection, user entities, parse errors, gates.

The gates read the project's gold set and the Azerbaijani az_ner test split (both small: the
whole file runs in about a second) and pin the F1 reached by ``benchmarks/entities.py``.
"""

from __future__ import annotations

import pytest

from benchmarks.entities import (
    AZ_NER_DIR,
    evaluate_az_ner,
    evaluate_gold,
    load_gold,
)
from minbar.analysis.entities import (
    EntityDef,
    EntityRecognizer,
    get_recognizer,
    parse_entity_file,
)
from minbar.analysis.transliterate import latin_to_cyrillic, skeleton


@pytest.fixture(scope="module")
def rec() -> EntityRecognizer:
    return get_recognizer()


def keys(rec, text, lang, kind=None):
    return [m.key for m in rec.extract(text, lang) if kind is None or m.type == kind]


# --- the examples ----------------------------------------------------------------------


def test_fahrettin_altun_is_one_person_in_three_scripts(rec):
    texts = [
        ("İletişim Başkanı Fahrettin Altun açıklama yaptı.", "tr"),
        ("قال فخر الدين ألتون إن الوفد وصل.", "ar"),
        ("Фахреттин Алтун заявил журналистам.", "ru"),
    ]
    found = {tuple(keys(rec, t, lang, "PER")) for t, lang in texts}
    assert found == {("PER:fahrettin-altun",)}


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Prezident Azərbaycan xalqına müraciət edib.", "az"),
        ("Heyet Azerbaycan'a gitti.", "tr"),
        ("وصل الوفد إلى أذربيجان أمس.", "ar"),
        ("Делегация прибыла в Азербайджан.", "ru"),
        ("Talks were held in Azerbaijan.", "en"),
    ],
)
def test_azerbaijan_is_one_place(rec, text, lang):
    assert keys(rec, text, lang) == ["LOC:azerbaijan"]


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("Azərbaycanın paytaxtı Bakıda forum keçirilib.", "az", ["LOC:azerbaijan", "LOC:baku"]),
        ("Türkiye'nin Riyad büyükelçisi", "tr", ["LOC:turkiye", "LOC:riyadh"]),
        ("Визит в Москве обсуждали в России.", "ru", ["LOC:moscow", "LOC:russia"]),
        ("وصل الوزير بالرياض قادما من والدوحة", "ar", ["LOC:riyadh", "LOC:doha"]),
        ("Встреча Путина и Эрдогана", "ru", ["PER:vladimir-putin", "PER:recep-tayyip-erdogan"]),
    ],
)
def test_inflected_and_cliticised_names(rec, text, lang, key):
    assert keys(rec, text, lang) == key


def test_spans_are_offsets_into_the_text(rec):
    text = "Dışişleri Bakanı Hakan Fidan, Ankara'da konuştu."
    for m in rec.extract(text, "tr"):
        assert text[m.start : m.end] == m.text
    assert [m.text for m in rec.extract(text, "tr")] == ["Hakan Fidan", "Ankara"]


def test_lowercase_words_and_adjectives_are_not_entities(rec):
    assert keys(rec, "the van stopped near the turkey farm", "en") == []
    assert keys(rec, "أعلنت الحكومة السعودية عن دعم مالي جديد", "ar") == []
    assert keys(rec, "Türk askerleri tatbikata katıldı.", "tr") == []


# --- people in no list -------------------------------------------------------------------------


def test_unknown_person_gets_the_same_skeleton_key_across_scripts(rec):
    spellings = [("Ali Öztürk", "tr"), ("Али Озтюрк", "ru"), ("علي أوزتورك", "ar")]
    resolved = [rec.resolve(name, lang) for name, lang in spellings]
    assert all(m is not None and m.type == "PER" for m in resolved)
    assert {m.key for m in resolved} == {"PER:~VlVstrk"}
    assert (
        skeleton("Leyla Məmmədova", "az") == skeleton("ليلى محمدوفا") == skeleton("Лейла Мамедова")
    )


def test_unknown_people_found_by_cues(rec):
    cases = [
        ("Geologist Ali Öztürk said aftershocks would continue.", "en", "Ali Öztürk"),
        ("Bakan Yardımcısı Kemal Yurtsever toplantıya katıldı.", "tr", "Kemal Yurtsever"),
        ("Политолог Игорь Васнецов заявил, что выборы пройдут спокойно.", "ru", "Игорь Васнецов"),
        ("وقال الوزير سامي الخطيب إن المفاوضات مستمرة", "ar", "سامي الخطيب"),
    ]
    for text, lang, name in cases:
        people = [m.text for m in rec.extract(text, lang) if m.type == "PER"]
        assert people == [name], (text, people)


def test_surname_alone_takes_the_key_of_the_full_name(rec):
    found = rec.extract("Ali Öztürk Van'a gitti. Öztürk açıklama yaptı.", "tr")
    people = [(m.text, m.key) for m in found if m.type == "PER"]
    assert people == [("Ali Öztürk", "PER:~VlVstrk"), ("Öztürk", "PER:~VlVstrk")]


def test_resolve_speaker_strings(rec):
    assert rec.resolve("Dışişleri Bakanı Hakan Fidan", "tr").key == "PER:hakan-fidan"
    assert rec.resolve("المتحدث باسم الكرملين دميتري بيسكوف", "ar").key == "PER:dmitry-peskov"
    assert rec.resolve("NATO", "en").key == "ORG:nato"
    assert rec.resolve("", "en") is None
    assert rec.resolve("officials said", "en") is None


# --- user entities -----------------------------------------------------------------------------


def test_user_entities_from_csv_match_in_other_scripts(tmp_path):
    path = tmp_path / "ents.csv"
    path.write_text(
        "canonical,type,aliases\n"
        "# our local mayor\n"
        "Selim Karaca,PER,\n"
        '"Caspian Wire, Ltd",ORG,Caspian Wire|Каспиан Уайр\n',
        encoding="utf-8",
    )
    defs = parse_entity_file(path)
    assert [(d.canonical, d.type, d.aliases) for d in defs] == [
        ("Selim Karaca", "PER", []),
        ("Caspian Wire, Ltd", "ORG", ["Caspian Wire", "Каспиан Уайр"]),
    ]
    rec = get_recognizer(tuple(defs))
    assert latin_to_cyrillic("Selim Karaca") == "Селим Караджа"
    for text, lang in [
        ("Belediye Başkanı Selim Karaca konuştu.", "tr"),
        ("Глава района Селим Караджа сообщил о новых домах.", "ru"),
        ("أعلن سليم قره جه تسليم المنازل.", "ar"),
    ]:
        assert "PER:selim-karaca" in keys(rec, text, lang), text
    assert keys(rec, "По данным Каспиан Уайр, цены выросли.", "ru") == ["ORG:caspian-wire-ltd"]


def test_user_entities_from_yaml(tmp_path):
    path = tmp_path / "ents.yaml"
    path.write_text(
        "entities:\n"
        "  - canonical: Gulf Monitor\n"
        "    type: org\n"
        "    aliases: [مرصد الخليج, Körfez Gözlemcisi]\n"
        "  - canonical: Nurlan Qasımov\n"
        "    type: PER\n"
        "    aliases: Нурлан Гасымов|Nurlan Kasımov\n",
        encoding="utf-8",
    )
    defs = parse_entity_file(path)
    assert [d.type for d in defs] == ["ORG", "PER"]
    assert defs[1].aliases == ["Нурлан Гасымов", "Nurlan Kasımov"]
    rec = EntityRecognizer(defs)
    assert keys(rec, "ذكر مرصد الخليج أن الأسعار ارتفعت", "ar") == ["ORG:gulf-monitor"]
    assert keys(rec, "Нурлан Гасымов сообщил", "ru") == ["PER:nurlan-qasimov"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.csv", "canonical,type,aliases\nErdoğan,PERSON,\n", "bad.csv:2: type 'PERSON'"),
        ("bad.csv", "A,PER,x\nB,PER,x,extra\n", "bad.csv:2: expected canonical,type,aliases"),
        ("bad.csv", "A,PER,x\n,LOC,\n", "bad.csv:2: empty canonical"),
        ("bad.yaml", "- canonical: A\n  type: PER\n- type: LOC\n", "bad.yaml:3:"),
        ("bad.yaml", "- canonical: A\n  type: [PER\n", "bad.yaml: invalid YAML"),
        ("bad.yml", "just: a mapping\n", "bad.yml:1: expected a list"),
    ],
)
def test_parse_errors_name_file_and_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_entity_file(path)


def test_get_recognizer_is_cached_per_entity_set():
    a = (EntityDef("X Corp", "ORG", ["Xcorp"]),)
    assert get_recognizer(a) is get_recognizer((EntityDef("X Corp", "ORG", ["Xcorp"]),))
    assert get_recognizer(a) is not get_recognizer()


# --- gates (floors reached by benchmarks/entities.py; see BENCHMARKS.md) --------------------------

#: Exact-span micro F1 (PER+ORG+LOC) on the test half of benchmarks/data/entities_gold.jsonl.
GOLD_TEST_F1 = {"ar": 0.86, "tr": 0.92, "az": 0.90, "en": 0.87, "ru": 0.83}


def test_gate_gold_test_f1_per_language(rec):
    result = evaluate_gold(load_gold("test"), rec)
    f1 = {lang: row["all"]["f1"] for lang, row in result["exact"].items()}
    for lang, floor in GOLD_TEST_F1.items():
        assert f1[lang] >= floor, (lang, f1[lang], floor)
    assert result["linking"]["all"]["pair_recall"] >= 0.90
    assert result["linking"]["all"]["false_merge_rate"] <= 0.001


def test_gate_az_ner_test(rec):
    if not AZ_NER_DIR.exists():
        pytest.fail(f"evaluation data missing: {AZ_NER_DIR} (set MINBAR_SHARED_DATA)")
    result = evaluate_az_ner("test", rec)
    assert result["exact"]["all"]["f1"] >= 0.84
    assert result["exact"]["LOC"]["f1"] >= 0.87


def test_token_with_no_trie_form_does_not_crash():
    """A token whose normalised form is empty (only marks/punctuation inside a word) met the
    trie's end marker "" and crashed extraction on real SemEval texts."""
    rec = get_recognizer()
    expected = {
        "ـ ـ Ankara ـ": ["LOC:ankara"],
        "\u0640\u0640 Bakı": ["LOC:baku"],
        "Москва \u200d\u200d Баку": ["LOC:moscow", "LOC:baku"],
        "' ' Ankara": ["LOC:ankara"],
    }
    for text, keys in expected.items():
        # the empty tokens are skipped and the real names around them still found
        assert [m.key for m in rec.extract(text, None)] == keys, text


# --- people across scripts (benchmarks/names_xscript.py; docs/round2/names-and-stories.md) -------

#: Reached 2026-12-06 (helper M): test half 21/33 linked, 0 of 20 near-name pairs merged; dev
#: half (tuned on) 30/33. Round 3 (ث as t, w/و/у as v, initial Latin x as h, oğlu, тс/تس,
#: Abdel + sun letter, bəy/бек): dev 31/33, dev2 (names_xscript_dev2.json, 71 people and 35 near
#: pairs, tuned on) 65/71, 0 merges on either near list; test half, run once at the end
#: (2026-12-06T09:50Z): 23/33 = 0.697, 0 of 20 near pairs merged. Floor: measured - 0.01.
NAMES_TEST_FLOOR = 0.687
NAMES_DEV_FLOOR = 31
NAMES_DEV2_FLOOR = 65


def _names_eval(split: str) -> dict:
    from benchmarks.names_xscript import DATA, evaluate

    assert DATA.exists(), f"missing {DATA}"  # fail, never skip
    return evaluate(split)


def test_gate_names_test_half_linked_and_no_near_name_merged():
    r = _names_eval("test")
    linked, total = map(int, r["linked_count"].split("/"))
    assert total >= 30
    assert linked / total >= NAMES_TEST_FLOOR, r
    assert r["near_pairs"] >= 20
    assert r["wrong_merges"] == [], r["wrong_merges"]


def test_regression_names_dev_half():
    linked, _ = map(int, _names_eval("dev")["linked_count"].split("/"))
    assert linked >= NAMES_DEV_FLOOR


def test_regression_names_dev2_list():
    from benchmarks.names_xscript import DATA_DEV2

    assert DATA_DEV2.exists(), f"missing {DATA_DEV2}"  # fail, never skip
    r = _names_eval("dev2")
    linked, total = map(int, r["linked_count"].split("/"))
    assert total >= 60 and r["near_pairs"] >= 20
    assert linked >= NAMES_DEV2_FLOOR, r
    assert r["wrong_merges"] == [], r["wrong_merges"]


@pytest.mark.parametrize(
    "spellings",
    [
        # Arabic ث as Latin th / Cyrillic т
        [("Martin Luther", "en"), ("Мартин Лютер", "ru"), ("مارتن لوثر", "ar")],
        # Azerbaijani initial x = kh = х = خ
        [("Xalid Məşəl", "az"), ("Khaled Mashal", "en"), ("Халед Машаль", "ru")],
        # w / word-initial u / و before a vowel = v
        [
            ("Vilyam Şekspir", "az"),
            ("William Shakespeare", "en"),
            ("Уильям Шекспир", "ru"),
            ("ويليام شكسبير", "ar"),
        ],
        [("Vaqif Mustafazadə", "az"), ("واقف مصطفى زاده", "ar")],
        [("Xurşidbanu Natəvan", "az"), ("خورشيد بانو ناتوان", "ar")],
        # ts = ц = тс = تس
        [("Boris Yeltsin", "en"), ("Борис Ельцин", "ru"), ("بوريس يلتسين", "ar")],
        # oğlu glued or a word of its own
        [("Ekrem İmamoğlu", "tr"), ("Экрем Имамоглу", "ru"), ("أكرم إمام أوغلو", "ar")],
        # Abdel + sun letter: Arabic drops the article's l, glued Latin assimilates it
        [("Abdel Nasser", "en"), ("Абдель Насер", "ru"), ("عبد الناصر", "ar")],
        [("Abdul Rahman", "en"), ("Abdurrahman", "tr"), ("عبد الرحمن", "ar")],
        # the title bəy/bek before -ov
        [("Məşədi Əzizbəyov", "az"), ("Мешади Азизбеков", "ru"), ("مشهدي عزيزبيوف", "ar")],
    ],
)
def test_skeleton_rules_join_spellings(spellings):
    assert len({skeleton(name, lang) for name, lang in spellings}) == 1, [
        (name, skeleton(name, lang)) for name, lang in spellings
    ]


def test_tha_read_as_s_still_finds_a_listed_arab(rec):
    """ث is t in the skeleton, but Azerbaijani writes it s (Al Sani): the listed person answers
    to both; a name string of 4 words plus connectors is still one person."""
    qatar = rec.resolve("تميم بن حمد آل ثاني", "ar").key
    assert not qatar.startswith("PER:~")
    assert rec.resolve("Təmim bin Həməd Al Sani", "az").key == qatar
    assert rec.resolve("Тамим бин Хамад Аль Тани", "ru").key == qatar
    assert skeleton("Abdulaziz") == skeleton("عبد العزيز")  # moon letter: the l stays


@pytest.mark.parametrize(
    "a, b",
    [
        (("Алиев", "ru"), ("Алиева", "ru")),
        (("Əli Həsənov", "az"), ("Əli Hüseynov", "az")),
        (("Ziya Məmmədov", "az"), ("Ziya Əhmədov", "az")),
        (("Гасанов", "ru"), ("Гусейнов", "ru")),
        (("حسنوف", "ar"), ("حسينوف", "ar")),
    ],
)
def test_near_names_stay_apart(rec, a, b):
    assert rec.resolve(*a).key != rec.resolve(*b).key


def test_genitive_surname_in_running_text_is_still_the_listed_man(rec):
    assert "PER:ilham-aliyev" in keys(rec, "Встреча Путина и Алиева прошла в Баку.", "ru", "PER")
    assert rec.resolve("Алиева", "ru").key != "PER:ilham-aliyev"  # a name string: a woman


def test_name_string_read_whole_even_when_a_part_is_a_place(rec):
    assert rec.resolve("Пан Ги Мун", "ru").type == "PER"
    assert rec.resolve("Ban Ki-moon", "en").key == rec.resolve("بان كي مون", "ar").key
    assert rec.resolve("Bakı", "az").type == "LOC"
