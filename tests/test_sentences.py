"""Sentence splitting in the five languages: the traps sentencex alone falls into."""

from __future__ import annotations

import pytest

from minbar.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # Arabic question mark; the abbreviation د. (doctor) does not end a sentence
        (
            "ar",
            "هل ستنخفض الأسعار؟ قال الوزير إن الأسعار ستنخفض. وأضاف د. أحمد أن الخطة جاهزة.",
            [
                "هل ستنخفض الأسعار؟",
                "قال الوزير إن الأسعار ستنخفض.",
                "وأضاف د. أحمد أن الخطة جاهزة.",
            ],
        ),
        # a quote of two sentences stays with its attribution
        (
            "en",
            '"Prices will fall. We are sure of it," the minister said. Then he left.',
            ['"Prices will fall. We are sure of it," the minister said.', "Then he left."],
        ),
        (
            "ru",
            "«Мы готовы. Мы ждём», — сказал Иванов. Потом он ушёл.",
            ["«Мы готовы. Мы ждём», — сказал Иванов.", "Потом он ушёл."],
        ),
        (
            "tr",
            'Bakan, "Fiyatlar düşecek. Eminiz" dedi. Prof. Dr. Ayşe Kaya da katıldı.',
            ['Bakan, "Fiyatlar düşecek. Eminiz" dedi.', "Prof. Dr. Ayşe Kaya da katıldı."],
        ),
        # initials are not sentence ends
        (
            "az",
            "Prezident İ. Əliyev bildirib ki, sülh yaxındır. O, bunu Bakıda deyib.",
            ["Prezident İ. Əliyev bildirib ki, sülh yaxındır.", "O, bunu Bakıda deyib."],
        ),
        (
            "ru",
            "Президент В. В. Путин заявил об этом в г. Москве. Потом он ушёл.",
            ["Президент В. В. Путин заявил об этом в г. Москве.", "Потом он ушёл."],
        ),
        (
            "en",
            "The U.S. Department of State said talks went well. Mr. Smith agreed.",
            ["The U.S. Department of State said talks went well.", "Mr. Smith agreed."],
        ),
        # a headline line never glues onto the next paragraph
        (
            "en",
            "Quake hits Van\n\nA strong quake hit Van.",
            ["Quake hits Van", "A strong quake hit Van."],
        ),
    ],
)
def test_split_sentences(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_empty_and_unknown_language():
    assert split_sentences("  \n\n ", "tr") == []
    assert split_sentences("One. Two.", None) == ["One.", "Two."]
