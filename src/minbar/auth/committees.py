"""Committee templates: sets of joint committees created in one step.

``istanbul``: the six joint committees of the Istanbul media-platform agreement. Names are
written by hand in the five working languages (not machine-translated).
"""

from __future__ import annotations

TEMPLATES: dict[str, list[dict]] = {
    "istanbul": [
        {
            "slug": "public-diplomacy",
            "names": {
                "ar": "الدبلوماسية العامة",
                "tr": "Kamu Diplomasisi",
                "az": "İctimai Diplomatiya",
                "en": "Public Diplomacy",
                "ru": "Публичная дипломатия",
            },
            "description": "Joint messaging abroad, visits, cultural and public outreach.",
        },
        {
            "slug": "international-media",
            "names": {
                "ar": "الإعلام الدولي",
                "tr": "Uluslararası Medya",
                "az": "Beynəlxalq Media",
                "en": "International Media",
                "ru": "Международные СМИ",
            },
            "description": "Monitoring foreign coverage; cooperation between news organisations.",
        },
        {
            "slug": "strategic-communications",
            "names": {
                "ar": "الاتصال الاستراتيجي",
                "tr": "Stratejik İletişim",
                "az": "Strateji Kommunikasiya",
                "en": "Strategic Communications",
                "ru": "Стратегические коммуникации",
            },
            "description": "Countering disinformation; coordinated fact-checks and responses.",
        },
        {
            "slug": "education",
            "names": {
                "ar": "التعليم",
                "tr": "Eğitim",
                "az": "Təhsil",
                "en": "Education",
                "ru": "Образование",
            },
            "description": "Media literacy and training of journalists and communicators.",
        },
        {
            "slug": "legislation",
            "names": {
                "ar": "التشريع",
                "tr": "Mevzuat",
                "az": "Qanunvericilik",
                "en": "Legislation",
                "ru": "Законодательство",
            },
            "description": "Media law, regulation and their harmonisation between the countries.",
        },
        {
            "slug": "internationalisation",
            "names": {
                "ar": "التدويل",
                "tr": "Uluslararasılaşma",
                "az": "Beynəlmiləlləşmə",
                "en": "Internationalisation",
                "ru": "Интернационализация",
            },
            "description": "Reaching audiences in other languages and regions; joint productions.",
        },
    ]
}
