"""Per-language cue lists for :mod:`minbar.analysis.quotes`: speech verbs, complementisers,
"according to" forms, titles and organisation words, pronouns.

Kept apart from the matching logic so a language can be extended by editing word lists only.
Lists are deliberately short and news-oriented (the verbs agencies use for attribution), because
every extra verb is also a new way to mistake an ordinary sentence for reported speech.
"""

from __future__ import annotations

import re

#: Verbs that may introduce reported speech; the ``(?:…)`` bodies are joined into regexes.
#: English: past/present of the reporting verbs used in wire copy.
EN_SAY = r"said|says|say|added|adds"  # may take a clause without "that"
EN_VERBS = (
    EN_SAY + r"|told|tells|stated|announced|warned|noted|claimed|insisted|explained|confirmed"
    r"|argued|stressed|emphasi[sz]ed|acknowledged|admitted|declared|maintained|replied|answered"
    r"|alleged"
    r"|asserted|cautioned|recalled|remarked|revealed|disclosed|assured|promised|vowed|wrote"
    r"|predicted|estimated|reported|believes|believe|concluded|pointed out"
)
RU_VERBS = (
    r"(?:заяв|сообщ|сказа|отмет|подчеркну|добав|объяв|объясн|поясн|уточн|завер|призна|напомн"
    r"|рассказа|указа|предупред|констатирова|сообщи)(?:ил|ила|ило|или|ал|ала|ало|али|л|ла|ло|ли)"
    r"|(?:считают|считает|утверждают|утверждает|полагает|полагают|говорит|говорят|жалуются"
    r"|жалуется|уверяют|уверяет|сообщает|передаёт|передает|пишет|пишут)"
)
#: Russian inverted attribution after the reported clause: "…, сообщили в Минздраве".
RU_INVERTED = r"сообщили|заявили|говорится|сообщает|сообщил[аио]?|передаёт|передает|пишет|отметили"
TR_VERBS = (
    r"(?:söyle|belirt|ifade et|ifade ed|açıkla|vurgula|kaydet|kayded|bildir|ekle|hatırlat"
    r"|dile getir|öne sür|ileri sür|iddia et|iddia ed|savun|aktar|duyur|anlat|uyar|yinele"
    r"|kaydet|not et|not ed)(?:di|ti|dı|tı|du|tu|dü|tü|iyor|ıyor|uyor|üyor|yor|miş|mış|muş|müş)"
    r"(?:lar|ler)?"
)
#: Turkish participles that open a second reported clause: "…-DIğInI belirten X, …".
TR_PARTICIPLES = (
    r"belirten|söyleyen|ifade eden|vurgulayan|kaydeden|açıklayan|hatırlatan|dile getiren"
    r"|belirterek|ifade ederek|vurgulayarak|kaydederek"
)
#: Turkish/Azerbaijani reported-clause verb forms (-DIğInI, -(y)AcAğInI, -DIklArInI, olduğunu).
TR_CLAUSE_END = (
    r"\w*(?:d|t)[ıiuü]ğ(?:[ıiuü]n[ıiuü]|[ıiuü]m[ıiuü]z[ıiuü]|ler[ıi]n[ıi]|lar[ıi]n[ıi])"
    r"|\w*(?:d|t)[ıiuü]kl[ae]r[ıi]n[ıi]|\w*(?:a|e)c(?:a|e)ğ[ıi]n[ıi]|\w*(?:a|e)c(?:a|e)kl[ae]r[ıi]n[ıi]"
    r"|\w*(?:d|t)[iü]y[iü]n[iü]|\w*(?:ə)c(?:ə)y[iü]n[iü]|\w*m[ae]d[ıi]ğ[ıi]n[ıi]"
)
AZ_VERBS = (
    r"şikayət edir(?:lər)?|cavab verib|şikayətlənir|"
    r"bildirib|deyib|qeyd edib|vurğulayıb|məlumat verib|əlavə edib|bəyan edib|məlumat yayıb"
    r"|açıqlayıb|xatırladıb|söyləyib|iddia edib|iddia edir|hesab edir(?:lər)?|deyir(?:lər)?"
    r"|qeyd edir|bildirir|vurğulayır|diqqətə çatdırıb|xəbər verib|etiraf edib|təsdiqləyib"
    r"|bildiriblər|deyiblər|qeyd ediblər"
)
#: Verbs ending an Azerbaijani -dığını clause ("… olduğunu bildirib").
AZ_CLAUSE_VERBS = (
    r"bildirib|deyib|qeyd edib|vurğulayıb|söyləyib|açıqlayıb|əlavə edib|iddia edib|xatırladıb"
    r"|bəyan edib|diqqətə çatdırıb"
)
AR_VERBS = (
    r"قال|أضاف|أوضح|أكد|أكّد|أشار|صرح|صرّح|تابع|ذكر|أعلن|زعم|رأى|رأت|اعتبر|لفت|شدد|شدّد|أفاد"
    r"|كشف|حذر|حذّر|ادعى|توقع|توقّع|بين|بيّن|نفى|يقول|تقول|يرى|ترى|يتوقع|تتوقع|يؤكد|تؤكد"
    r"|يعتبر|تعتبر|يشير|تشير|يقولون|يرون|يحذر|أردف|استطرد|قالوا|أكدوا|أضافوا"
)
AR_COMPLEMENTISER = r"(?:إلى\s+)?(?:بأن|إن|أن|إنه|أنه|إنها|أنها|إنهم|أنهم|بأنه|بأنها)"
#: Arabic participles continuing the current speaker: "…، مضيفاً أن …", "مشيراً إلى أن".
AR_PARTICIPLES = (
    r"(?:مضيف|مشير|مؤكد|موضح|لافت|معتبر|محذر|متابع|منوه|معرب|واصف)(?:اً|ًا|ا|ة|ةً)?"
    r"(?![\w\u064b-\u0652])"
)
EN_PARTICIPLES = r"adding|saying|noting|stressing|warning|explaining|insisting|arguing"
RU_PARTICIPLES = r"добавив|отметив|подчеркнув|заявив|сообщив|пояснив|напомнив|уточнив"

#: "According to" openers (the source follows, then a comma and the reported clause).
EN_ACCORDING = r"according to"
RU_ACCORDING = r"по\s+(?:словам|мнению|данным|информации|сведениям|оценке|оценкам)"
AR_ACCORDING = r"(?:و?بحسب|و?حسب|و?وفقا?ً?\s*ل|و?وفقاً\s*ل|و?طبقاً?\s*ل|و?نقلا?ً?\s*عن)"


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated word list (keeps the lists below compact and easy to extend)."""
    return tuple(text.split())


def _set(text: str) -> set[str]:
    return set(text.split())


#: Turkish/Azerbaijani words between the source and "göre"/"görə" ("X'in açıklamasına göre").
TR_ACCORDING_WORDS = _set(
    """
    aktardığına açıklamada açıklamasına açıklamaya açıqlamasına bildirdiğine bəyanatına
    ifadesine məlumata məlumatına proqnozuna sözlerine sözlərinə verdiyi verilerine yapılan
    """
)

#: Pronouns that stand for the most recent person speaker.
PRONOUNS = {
    "en": _set("he she they"),
    "ru": _set("его ее её их он она они"),
    "tr": _set("kendisi o onun"),
    "az": _set("o onun özü"),
    "ar": _set("هم هو هي"),
}

#: Words that are never a person name even when capitalised (sentence-initial function words).
STOPWORDS = {
    "en": _set(
        """
        a an and as at but by for from in it its mr mrs ms of on that the these this those to
        with
        """
    ),
    "ru": _set(
        """
        а в во для же за и из как на но о об от перед по при ранее с сам сама сами само со
        также у это
        """
    ),
    "tr": _set("ancak ayrıca bir bu da de ile ise ve yandan öte"),
    "az": _set("amma bir bu da də həmçinin ilə isə lakin və"),
}

#: Prepositions after which a capitalised word is a place, not a speaker ("Fishermen in Lankaran").
PLACE_PREPOSITIONS = _set("across at for from in near of в во из на")

#: Particles that may follow a speaker in tr/az ("X ise", "X da") or precede one (en "and").
SPEAKER_PARTICLES = _set("also ayrıca bir da de də həmçinin ise isə yine же также")

#: Person titles and professions (a name after them is the speaker): lowercase; words of up to
#: three letters (and all Arabic ones) match whole words, longer ones match as prefixes.
PERSON_TITLES = {
    "en": _words(
        """
        economist hydrologist ecologist scientist researcher historian lawyer pediatrician
        minister president governor spokes director head chief secretary chair ceo leader
        mayor ambassador prime deputy speaker official commander colonel prof professor dr
        doctor senator representative advis aide envoy judge prosecutor manager coach analyst
        expert king queen prince sheikh lt gen general sen rep gov epidemiologist editor
        founder mp
        """
    ),
    "ru": _words(
        """
        экономист гидролог эколог учён учен политолог историк юрист режиссёр режиссер министр
        президент губернатор пресс-секретар директор глав председател руководител лидер мэр
        посол премьер заместител спикер представител командующ профессор доктор депутат
        сенатор советник помощник эксперт аналитик главврач педиатр врач начальник генерал
        полковник тренер прокурор судья замминистр вице- официальн океанолог сейсмолог хирург
        """
    ),
    "tr": _words(
        """
        başantrenör ekonomist analist akademisyen sosyolog hukukçu gazeteci müsteşar doktor
        bakan vali sözcü müdür başkan direktör sekreter komutan büyükelçi milletvekil savcı
        rektör uzman temsilci yetkili prof dr doç genel lider başbakan cumhurbaşkan danışman
        teknik antrenör hoca vekil yardımcı koordinatör
        """
    ),
    "az": _words(
        """
        hidroloq ekoloq iqtisadçı pediatr alim politoloq sosioloq hüquqşünas jurnalist
        akademik professor nazir katib direktor rəhbər rəis sədr müavin qubernator prezident
        köməkçi deputat həkim səfir məşqçi müdir sözçü nümayəndə prof dr dos baş başçı icraçı
        ekspert spiker müşavir komandan
        """
    ),
    "ar": _words(
        """
        عالم طبيب طبيبة باحث باحثة أستاذ أستاذة الأمين المتحدثة الناطقة المشرف المشرفة مشرف
        مشرفة العداءة العداء دكتور دكتورة الدكتورة وزير وزيرة محافظ رئيس رئيسة مدير مديرة
        متحدث المتحدث متحدثة ناطق الناطق مساعد نائب النائب العقيد اللواء العميد الدكتور د.
        السفير سفير مستشار أمين قائد مسؤول المسؤول عضو الشيخ الرئيس الملك الأمير وكيل سكرتير
        منسق مندوب ممثل مراسل خبير الخبير المدير الوزير المحافظ رئيسا الطبيب العام المدرب مدرب
        النقيب الفريق المقدم الرائد باسم عام الأول السابق الحالي
        """
    ),
}

#: Organisation words: a capitalised run joined to one of these is an institution, not a person.
ORG_WORDS = {
    "en": _words(
        """
        ministry authority agency office service center centre council department committee
        commission bank company corporation organization organisation union party government
        parliament assembly court army police university institute association federation fund
        delegation embassy survey airlines group news wire times board administration kremlin
        """
    ),
    "ru": _words(
        """
        министерств управлени агентств служб центр совет комитет комисси банк компани
        организаци союз парти правительств парламент суд арми полици университет институт
        ассоциаци федераци фонд представительств посольств ведомств пресс-служб мид мчс
        минздрав прокуратур группировк доклад больниц гидрометеослужб
        """
    ),
    "tr": _words(
        """
        bakanlığ kurum kurulu birliğ merkez müdürlüğ başsavcılığ banka şirket parti hükümet
        meclis belediye valiliğ ajans üniversite vakf derneğ odası dairesi servisi hava
        yolları
        """
    ),
    "az": _words(
        """
        nazirliy nazirlik mərkəz xidmət idarə şirkət bank komitə agentliy partiya hökumət
        məclis universitet institut klub şöbə aparat assosiasiya fond səfirliy amea
        """
    ),
    "ar": _words(
        """
        مؤتمر حديث مقابلة تصريح تصريحات كلمة لقاء اجتماع حفل وزارة هيئة إدارة سلطة نقابة شركة
        وكالة مجموعة منظمة مجلس لجنة البنك بنك جامعة دائرة مركز حكومة السلطات الجيش الشرطة
        مكتب مصلحة جهاز الأمم الاتحاد حزب حركة جماعة منشورات مستخدمون مراقبون خبراء صيادون
        علماء نواب مصادر مصدر مواقع التواصل الاجتماعي بيان بيانات وسائل الإعلام صحيفة قناة
        المنظمة الوزارة الهيئة الشركة الحكومة محللون سكان شهود ناشطون مسؤولون دبلوماسيون
        مستخدمي تقارير تقرير الرئاسة
        """
    ),
}

#: "According to <data word> <adjective>" with no one behind it: not a speaker.
NON_SPEAKER_SOURCES = _set(
    """
    bazı early ilk ilkin initial last latest official other preliminary resmi rəsmi some son
    имеющимся некоторым официальным последнему последним предварительным أرقام أولي أولية
    الأولية الرسمية تقديرات رسمي رسمية
    """
)

#: Words right before a quote mark that make the quoted words a name, not speech.
SCARE_PREFIX = _set(
    """
    adlandırılan adlı as book called campaign dubbed entitled film gazetesi isimli layihəsi
    magazine named newspaper operasyonu operation plan program programme programı project
    projesi proqramı qəzeti slogan so-called sözde titled əməliyyatı авиакомпании банка газета
    газеты движения клуба книга компании называемая называемого называемое называемой
    называемый называемым операции операция партии программа программы проект проекта так
    фильм اسم برنامج بـ حملة خطة شعار صحيفة عملية عن قانون كتاب مبادرة مشروع يسمى
    """
)
SCARE_SUFFIX = re.compile(
    r"^\s*(?:adını|adı|adlı|isimli|adlandır|adlandırılan|bankı|klubu|şirkəti|programı|proqramı"
    r"|operasyonu|layihəsi|qəzeti|gazetesi|şirketi|партии|банка)",
    re.IGNORECASE,
)
