"""Language identification on short news sentences (written for these tests)."""

from __future__ import annotations

import pytest

from minbar.text.language import WORKING_LANGUAGES, detect_language, detect_languages

SENTENCES: dict[str, list[str]] = {
    "ar": [
        "أعلنت الحكومة عن خطة جديدة لدعم المزارعين المتضررين من الجفاف.",
        "قال وزير الخارجية إن المفاوضات ستستأنف الأسبوع المقبل في القاهرة.",
        "ارتفعت أسعار النفط بعد قرار أوبك خفض الإنتاج.",
        "أغلقت السلطات المدارس في المدينة بسبب العاصفة الثلجية.",
        "فاز المنتخب الوطني على منافسه بهدفين دون رد في المباراة النهائية.",
        "حذرت منظمة الصحة العالمية من انتشار الكوليرا في المخيمات.",
    ],
    "tr": [
        "Merkez Bankası politika faizini sabit tuttuğunu açıkladı.",
        "İstanbul'da etkili olan kar yağışı nedeniyle okullar tatil edildi.",
        "Cumhurbaşkanı yarın Ankara'da yabancı heyeti kabul edecek.",
        "Deprem bölgesinde arama kurtarma çalışmaları sürüyor.",
        "Enflasyon ekim ayında beklentilerin altında kaldı.",
        "Milli takım hazırlık maçında rakibini iki golle yendi.",
    ],
    "az": [
        "Azərbaycan Respublikasının Prezidenti yeni fərman imzalayıb.",
        "Bakıda güclü külək səbəbindən bəzi reyslər təxirə salınıb.",
        "Mərkəzi Bank uçot dərəcəsini dəyişməz saxlayıb.",
        "Xarici işlər naziri həmkarı ilə görüşüb.",
        "Zəlzələ nəticəsində bir neçə ev zədələnib.",
        "Milli komanda Avropa çempionatının seçmə mərhələsində qalib gəlib.",
        # typed without ə (the known trap), still recognisable by vocabulary
        "Nazirlik bildirib ki, yollar bağlanıb.",
        "Azerbaycan milli komandasi oyunu uduzdu.",
    ],
    "en": [
        "The central bank left interest rates unchanged on Thursday.",
        "Heavy snow closed schools across the capital for a second day.",
        "The foreign minister said talks would resume next week in Cairo.",
        "Rescue teams are still searching for survivors after the earthquake.",
        "Oil prices rose sharply after the producers agreed to cut output.",
        "The national team won the final two goals to nil.",
    ],
    "ru": [
        "Центральный банк сохранил ключевую ставку без изменений.",
        "Из-за сильного снегопада в столице закрыли школы.",
        "Министр иностранных дел заявил, что переговоры продолжатся на следующей неделе.",
        "Спасатели продолжают поиски выживших после землетрясения.",
        "Цены на нефть выросли после решения о сокращении добычи.",
        "Сборная выиграла финальный матч со счётом два ноль.",
    ],
    # neighbours that must not be mistaken for a working language
    "fa": [
        "وزیر امور خارجه گفت مذاکرات هفته آینده از سر گرفته می‌شود.",
        "بارش برف سنگین باعث تعطیلی مدارس پایتخت شد.",
        "قیمت نفت پس از تصمیم اوپک افزایش یافت.",
    ],
    "uk": [
        "Центральний банк залишив облікову ставку без змін.",
        "Через сильний снігопад у столиці зачинили школи.",
        "Рятувальники продовжують пошуки людей після землетрусу.",
    ],
    "kk": [
        "Ұлттық банк базалық мөлшерлемені өзгеріссіз қалдырды.",
        "Қатты қар жаууына байланысты елордадағы мектептер жабылды.",
        "Сыртқы істер министрі келіссөздер келесі аптада жалғасатынын айтты.",
    ],
}

CASES = [(lang, s) for lang, sents in SENTENCES.items() for s in sents]


@pytest.mark.parametrize(("lang", "sentence"), CASES)
def test_detect_language(lang: str, sentence: str) -> None:
    assert detect_language(sentence) == lang


def test_every_working_language_has_at_least_five_sentences() -> None:
    assert all(len(SENTENCES[lang]) >= 5 for lang in WORKING_LANGUAGES)


@pytest.mark.parametrize("text", ["", "   ", "12 345 !!", "ab", "\n\t-- 2026 --", "١٢٣ ؟"])
def test_too_little_text_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_schwa_forces_azerbaijani() -> None:
    # Otherwise plainly Turkish/English/Russian text: one ə (or Ə) decides.
    assert detect_language("Merkez Bankası faizi sabit tuttu ə") == "az"
    # ...but it does not override a confident other language: an English sentence quoting an
    # Azerbaijani name stays English.
    assert detect_language("Əli said the talks would resume next week in Cairo.") == "en"
    assert detect_language("Центральный банк сохранил ставку, сообщил Əliyev") == "ru"


def test_batch_equals_single_calls() -> None:
    texts = [s for _, s in CASES] + ["", "ab", "Xəbər", "Türkiye ə", "A" * 5000]
    assert detect_languages(texts) == [detect_language(t) for t in texts]
    assert detect_languages([]) == []
