"""Cue words for finding entities that no list knows: titles, attribution verbs, name heads.

Why word lists and not a model: no offline multilingual NER model ships on PyPI, and news text
announces people by their role ("Dışişleri Bakanı X", "الوزير X", "министр X") and by
attribution verbs ("X said", "قال X"). Organisations and places not in the gazetteer carry a
head word ("... Üniversitesi", "... rayonu", "... Party"). All words are stored *folded* (as
:func:`minbar.text.normalize.fold` returns them), so one table serves tr/az/en spellings.
"""

from __future__ import annotations

from minbar.text.normalize import fold


def _set(*groups: str) -> frozenset[str]:
    return frozenset(fold(w) for g in groups for w in g.split())


#: Words that introduce a person's name (possibly after an affiliation: "Bakan X", "министр X").
TITLES = _set(
    # en
    "president minister spokesperson spokesman spokeswoman secretary ambassador governor mayor"
    " chairman chairwoman director chief king prince emir sheikh mr mrs ms dr professor general"
    " commander deputy speaker envoy adviser advisor aide ceo founder leader lawmaker senator judge"
    " prosecutor colonel captain journalist correspondent analyst expert economist resident"
    " premier chancellor pm head",
    # tr
    "cumhurbaşkanı bakan bakanı sözcüsü başkanı başbakan büyükelçi büyükelçisi vali valisi"
    " sekreteri müdürü milletvekili kral prens emir şeyh profesör prof doç general komutanı"
    " yardımcısı danışmanı lideri muhabiri uzmanı savcı hakim ekonomist gazeteci sayın"
    " cumhurbaşkanı başkan kaymakam kaymakamı muhtar muhtarı sözcü",
    # az
    "prezident prezidenti nazir naziri sözçüsü sədri sədr səfir səfiri başçısı rəhbəri müavini"
    " deputat şahzadə əmir şeyx professor komandanı köməkçisi katibi müdiri direktoru jurnalist"
    " ekspert sakini",
    # ru
    "президент министр глава премьер премьер-министр пресс-секретарь представитель спикер посол"
    " губернатор мэр председатель директор генсек король принц эмир шейх господин профессор"
    " генерал командующий заместитель помощник советник лидер депутат сенатор журналист эксперт"
    " аналитик экономист житель президента министра главы посла пресс-секретаря",
)

#: Arabic titles and roles (folded); a name follows after an optional affiliation.
AR_TITLES = _set(
    "الرئيس رئيس الوزير وزير المتحدث المتحدثة الناطق الناطقة السفير سفير المحافظ محافظ عمدة"
    " الأمين الملك الأمير أمير الشيخ السيد السيدة الدكتور د الجنرال اللواء العميد العقيد القائد"
    " قائد نائب مستشار المستشار النائب المدير مدير الصحفي الصحفية المحلل الخبير المواطن زعيم"
    " وزيرة الوزيرة رئيسة الرئيسة مراسل المراسل ولي العهد المعلم المعلمة الممرض الممرضة"
    " الطبيب الطبيبة المهندس المهندسة الناشط الناشطة الكاتب الكاتبة الأستاذ الأستاذة المزارع"
    " الجيولوجي الباحث الباحثة المحامي المحامية الخبيرة المحللة"
)

#: Words that may sit between an Arabic title and the name (affiliation, ministry, "on behalf").
AR_AFFILIATION = _set(
    "باسم الخارجية الداخلية الدفاع المالية الصحة الطاقة الاقتصاد التجارة الإعلام العام"
    " الوزراء البلدية بلدية مجلس إدارة هيئة وكالة شركة جامعة حزب مكتب لدى في العهد العامة"
    " الاتصال التنفيذي الأول السابق الحالي"
)

#: Verbs that report speech. Latin/Cyrillic: the name comes *before*; Arabic: *after* the verb.
SAY_AFTER = _set(
    "said says told added stated announced noted stressed wrote warned dedi söyledi açıkladı"
    " bildirdi belirtti vurguladı kaydetti aktardı deyib bildirib söyləyib qeyd vurğulayıb"
    " açıqlayıb söylədi заявил заявила сказал сказала сообщил сообщила отметил отметила"
    " подчеркнул подчеркнула написал написала"
)
AR_SAY_BEFORE = _set(
    "قال قالت أكد أكدت أوضح أوضحت صرح صرحت أعلن أعلنت أضاف أضافت ذكر ذكرت أشار أشارت وقال"
    " وقالت وأكد وأكدت وأوضح وأضاف وأضافت وأعلن وذكر وأشار وصرح بحسب حسب وفق أفاد أفادت وأفاد"
)

#: Head words making a capitalised sequence an organisation.
ORG_HEADS = _set(
    # en
    "ministry university party bank agency company corporation council committee commission"
    " association union foundation institute authority office court fund group holding airlines"
    " forces army police service federation organisation organization network news tv radio"
    " hospital school academy front movement centre center society",
    # tr
    "bakanlığı üniversitesi partisi bankası ajansı şirketi holding derneği konseyi komitesi"
    " komisyonu birliği vakfı enstitüsü başkanlığı müdürlüğü kurumu mahkemesi fonu grubu"
    " hastanesi okulu akademisi belediyesi valiliği derneği federasyonu sendikası odası"
    " merkezi kurumu teşkilatı örgütü müzesi tiyatrosu kütüphanesi a.ş",
    # az
    "nazirliyi universiteti partiyası bankı agentliyi şirkəti assosiasiyası şurası komitəsi"
    " komissiyası ittifaqı fondu institutu idarəsi xidməti məhkəməsi qrupu xəstəxanası məktəbi"
    " akademiyası icra hakimiyyəti federasiyası mərkəzi qurumu cəmiyyəti təşkilatı şöbəsi"
    " soveti birliyi bürosu donanması gəmiçiliyi kinostudiyası teatrı muzeyi kitabxanası"
    " assambleyası asc qsc mmc qüvvələri",
    # ru
    "министерство университет партия банк агентство компания корпорация совет комитет комиссия"
    " ассоциация союз фонд институт служба управление суд группа больница академия федерация"
    " министерства университета партии банка агентства компании центр центра общество"
    " общества",
)
AR_ORG_HEADS = _set(
    "وزارة جامعة حزب بنك وكالة شركة مجلس لجنة هيئة منظمة جمعية مؤسسة صندوق"
    " اتحاد مستشفى أكاديمية جماعة حركة"
)

#: Words that extend a listed place to a larger name: a direction before it ("Şərqi Almaniya",
#: "North America") or a state word after it ("Naxçıvan Muxtar Respublikası").
LOC_BEFORE = _set(
    "east west north south northern southern eastern western central new upper lower greater"
    " doğu batı kuzey güney yeni orta şərqi qərbi şimali cənubi yeni mərkəzi"
    " восточная западная северная южная новая восточный западный северный южный"
)
LOC_AFTER = _set(
    "republic empire federation respublikası imperiyası muxtar federativ demokratik"
    " cumhuriyeti imparatorluğu özerk республика империя"
)

#: Head words making a capitalised sequence a place.
LOC_HEADS = _set(
    "province district city village region river mountain sea lake island valley street square"
    " ili ilçesi köyü mahallesi bölgesi nehri dağı denizi gölü adası caddesi meydanı"
    " rayonu şəhəri kəndi qəsəbəsi bölgəsi çayı dağı dənizi gölü küçəsi meydanı"
    " область района район город села село края край республика улица"
)
AR_LOC_HEADS = _set("محافظة مدينة قرية منطقة ولاية إقليم بلدة حي نهر جبل بحيرة")

#: Lower-case particles that may sit inside a capitalised name ("Mohammed bin Salman").
NAME_CONNECTORS = _set(
    "bin bint ibn ben al el ul ud de van von der abu аль ас ибн бен бин фон дер ад эль ибн-"
)
AR_NAME_CONNECTORS = _set("بن ابن بنت أبو أبي عبد آل")

#: Lower-case words inside an organisation's name once its head word was seen
#: ("Ministry of Emergency Situations", "Fövqəladə Hallar və ... Nazirliyi").
ORG_LINKS = _set("of for and on və ve по и")

#: Capitalised words that are not names: sentence openers, days, months, nationality
#: adjectives, honorific titles (those are cues, see TITLES).
NOT_NAMES = _set(
    # en
    "the a an in on at he she it they we this that these those but and or if when while after"
    " before according meanwhile however also monday tuesday wednesday thursday friday saturday"
    " sunday january february march april may june july august september october november"
    " december foreign defence defense interior prime crown deputy his her its"
    " their our there here on by for with from as to of not no yes new last next first second",
    # tr
    "bu bir ve ancak ayrıca öte pazartesi salı çarşamba perşembe cuma cumartesi pazar ocak şubat"
    " mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık"
    " öte yandan buna göre şu o da de ile için gibi",
    # az
    "bu bir və lakin həmçinin bazar ertəsi çərşənbə axşamı cümə şənbə yanvar fevral mart aprel"
    " may iyun iyul avqust sentyabr oktyabr noyabr dekabr baş",
    # ru
    "в на по как это однако также при для из от до о об и а но что кто он она они мы вы его ее"
    " их этот эта эти тот та те россии турции",
)
#: Nationality adjectives: not names themselves, but they may open an organisation's name
#: ("Saudi Red Crescent Authority", "Suudi Kızılay Kurumu").
NATIONALITIES = _set(
    "turkish russian azerbaijani saudi qatari emirati iranian syrian israeli palestinian"
    " egyptian jordanian lebanese iraqi kuwaiti omani bahraini yemeni armenian georgian"
    " ukrainian american european british french german chinese kazakh uzbek arab kurdish"
    " islamic muslim türk rus suudi katar iran alman amerikan fransız ingiliz arap"
    " səudiyyə rus ərəb türkiyə"
)
NOT_NAMES = NOT_NAMES | NATIONALITIES

#: Arabic function words that end a name (prepositions, conjunctions, particles, days).
AR_STOP = _set(
    "في من إلى الى عن مع أن إن ان لا لم لن قد كان كانت هو هي هم التي الذي الذين ذلك هذا"
    " هذه تلك بعد قبل خلال حول ضد بين عند منذ حتى أو او ثم كما لكن إلا يوم الأحد الاثنين"
    " الثلاثاء الأربعاء الخميس الجمعة السبت اليوم أمس غدا وفي ومن وعلى وإلى أمام أيضا"
    " إنه أنه إنها أنها عبر نحو فيما بشأن لدى ان"
)
#: Written with alef maqsura these are prepositions; folding makes "على" equal to the name علي,
#: so they are checked on the unfolded word.
AR_RAW_STOP = frozenset({"على", "وعلى", "فعلى"})
