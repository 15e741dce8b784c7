"""Names for synthetic data (``seed_scale``): people in Latin and Cyrillic script with the
spelling variants a real register collects, places, organisations and topics.

A person is (first name, father's name, surname) taken from parallel Latin/Cyrillic lists, so
that a variant written in the other script, in another order or with another spelling has the
same phonetic key (``activities.matching.match_key``) and the duplicate review groups it.
"""

import random

# (Latin, Cyrillic), by sex.
FIRST = {
    "male": [
        ("Alisher", "Алишер"), ("Bakhtiyor", "Бахтиёр"), ("Dilshod", "Дилшод"),
        ("Farrukh", "Фаррух"), ("Jamshid", "Джамшид"), ("Rustam", "Рустам"),
        ("Timur", "Тимур"), ("Azamat", "Азамат"), ("Nurlan", "Нурлан"),
        ("Daniyar", "Данияр"), ("Bekzod", "Бекзод"), ("Sardor", "Сардор"),
        ("Umid", "Умид"), ("Marat", "Марат"), ("Erlan", "Ерлан"), ("Askar", "Аскар"),
        ("Bakyt", "Бакыт"), ("Ruslan", "Руслан"), ("Kairat", "Кайрат"), ("Murod", "Мурод"),
        ("Serdar", "Сердар"), ("Merdan", "Мердан"), ("Firdavs", "Фирдавс"), ("Kanat", "Канат"),
    ],
    "female": [
        ("Dilnoza", "Дилноза"), ("Gulnara", "Гульнара"), ("Madina", "Мадина"),
        ("Nodira", "Нодира"), ("Zarina", "Зарина"), ("Aigerim", "Айгерим"),
        ("Malika", "Малика"), ("Saida", "Саида"), ("Feruza", "Феруза"), ("Kamila", "Камила"),
        ("Aliya", "Алия"), ("Dinara", "Динара"), ("Shakhnoza", "Шахноза"), ("Lola", "Лола"),
        ("Asel", "Асель"), ("Aizhan", "Айжан"), ("Gulshat", "Гульшат"), ("Nigora", "Нигора"),
        ("Ogulgerek", "Огулгерек"), ("Mekhri", "Мехри"), ("Zhanar", "Жанар"),
        ("Elmira", "Эльмира"), ("Roza", "Роза"), ("Tatyana", "Татьяна"),
    ],
}
# Surnames (Latin, Cyrillic), masculine; the feminine adds "a" / "а".
LAST = [
    ("Usmonov", "Усмонов"), ("Yusupov", "Юсупов"), ("Akhmedov", "Ахмедов"),
    ("Karimov", "Каримов"), ("Rakhimov", "Рахимов"), ("Nazarov", "Назаров"),
    ("Sultanov", "Султанов"), ("Abdullaev", "Абдуллаев"), ("Ismoilov", "Исмоилов"),
    ("Bekov", "Беков"), ("Kadyrov", "Кадыров"), ("Mamatov", "Маматов"), ("Saidov", "Саидов"),
    ("Aliev", "Алиев"), ("Nurmatov", "Нурматов"), ("Tursunov", "Турсунов"),
    ("Zhumabaev", "Жумабаев"), ("Omarov", "Омаров"), ("Ergashev", "Эргашев"),
    ("Khodjaev", "Ходжаев"), ("Berdiev", "Бердиев"), ("Annaev", "Аннаев"),
    ("Sharipov", "Шарипов"), ("Safarov", "Сафаров"), ("Ivanov", "Иванов"),
    ("Petrov", "Петров"), ("Kasymov", "Касымов"), ("Toktogulov", "Токтогулов"),
    ("Muratov", "Муратов"), ("Orazov", "Оразов"), ("Dzhuraev", "Джураев"),
    ("Khasanov", "Хасанов"), ("Valiev", "Валиев"), ("Sadykov", "Садыков"),
]
# Latin spellings that a register writes differently for the same person (same phonetic key).
RESPELLINGS = [("Usmonov", "Usmanov"), ("Yusupov", "Iusupov"), ("kh", "h"), ("dzh", "j"),
               ("Dzh", "J")]

COUNTRIES = {  # code: cities
    "KZ": ["Almaty", "Astana", "Shymkent", "Aktau", "Karaganda"],
    "KG": ["Bishkek", "Osh", "Jalal-Abad", "Karakol"],
    "TJ": ["Dushanbe", "Khujand", "Khorog", "Kulob"],
    "TM": ["Ashgabat", "Turkmenabat", "Mary", "Turkmenbashi"],
    "UZ": ["Tashkent", "Samarkand", "Termez", "Bukhara", "Andijan"],
    "AF": ["Kabul", "Mazar-i-Sharif"], "RU": ["Moscow", "Domodedovo"], "AT": ["Vienna"],
    "TR": ["Ankara", "Istanbul"], "AZ": ["Baku"], "IR": ["Tehran"], "PK": ["Islamabad"],
}
CENTRAL_ASIA = ["KZ", "KG", "TJ", "TM", "UZ"]
AGENCIES = [
    ("Drug Control Agency", "DCA", "government"), ("Border Service", "BS", "government"),
    ("Customs Service", "CS", "government"), ("Customs Academy", "CA", "training"),
    ("Ministry of Internal Affairs", "MIA", "government"), ("City Police", "CP", "police"),
    ("Prosecutor's Office", "PO", "government"), ("Forensic Centre", "FC", "government"),
    ("Police Academy", "PA", "training"), ("State University", "SU", "university"),
    ("Harm Reduction Network", "HRN", "ngo"), ("Financial Intelligence Unit", "FIU",
                                               "government"),
]
TOPICS = ["risk profiling", "precursor control", "container control", "controlled delivery",
          "financial investigations", "border liaison offices", "forensic drug analysis",
          "drug demand reduction", "HIV prevention", "canine detection", "mobile interdiction",
          "intelligence analysis", "anti-corruption", "cross-border cooperation"]
POSITIONS = ["Inspector", "Senior inspector", "Customs officer", "Border guard officer",
             "Investigator", "Analyst", "Head of unit", "Forensic expert", "Prosecutor",
             "Trainer", "Deputy director", "Lieutenant", "Major", ""]
DATE_WORDINGS = ["early {m}", "mid-{m}", "late {m}", "{m}"]


def feminine(surname: str, cyrillic: bool) -> str:
    return surname + ("а" if cyrillic else "a")


def person_name(rng: random.Random, sex: str) -> tuple[str, tuple]:
    """A new person's name as first written, and the parts that variants are made from."""
    first = rng.randrange(len(FIRST[sex]))
    father = rng.randrange(len(FIRST["male"]))
    last = rng.randrange(len(LAST))
    parts = (sex, first, father if rng.random() < 0.75 else None, last)
    return write_name(parts, rng.random() < 0.3), parts


def write_name(parts: tuple, cyrillic: bool, surname_first=False) -> str:
    """(sex, first, father or None, surname) in one script; the father's name, when the
    person gives it, is part of every way the name is written."""
    sex, first, father, last = parts
    script = 1 if cyrillic else 0
    given = FIRST[sex][first][script]
    surname = LAST[last][script]
    if sex == "female":
        surname = feminine(surname, cyrillic)
    words = [given]
    if father is not None:
        root = FIRST["male"][father][script]
        suffix = {("male", 0): "ovich", ("female", 0): "ovna",
                  ("male", 1): "ович", ("female", 1): "овна"}[sex, script]
        words.append(root + suffix)
    return " ".join([surname, *words] if surname_first else [*words, surname])


def variant_name(rng: random.Random, parts: tuple) -> str:
    """The same person written differently: the other script, surname first, capitals, or
    another Latin spelling — always the same phonetic key."""
    form = rng.randrange(4)
    if form == 0:
        return write_name(parts, True, surname_first=True)
    if form == 1:
        surname, *given = write_name(parts, False, surname_first=True).split()
        return " ".join([surname.upper(), *(g.lower() for g in given)])
    if form == 2:
        return write_name(parts, True)
    name = write_name(parts, False)
    for spelling, other in RESPELLINGS:
        if spelling in name:
            return name.replace(spelling, other, 1)
    return name.upper()
