"""The interface in English, Spanish and Russian: complete catalogues, the language's choice,
the locale's numbers, and the pages through AppTest in each language."""

import re
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from ui import i18n
from ui.i18n import catalogue_path, day, number, preferred_language

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import build_locale  # noqa: E402

PLACEHOLDER = re.compile(r"\{\w*\}")


def _catalog(path: Path, language: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


# --------------------------------------------------------------------------- catalogues
def test_the_template_holds_exactly_the_strings_the_code_wraps(tmp_path):
    """Re-extract from the sources: the committed .pot is behind when this fails (run
    ``python scripts/build_locale.py``)."""
    fresh = tmp_path / "footprint.pot"
    fresh.write_bytes(build_locale._po_bytes(build_locale.extract()))
    assert _ids(_catalog(fresh)) == _ids(_catalog(build_locale.TEMPLATE))


@pytest.mark.parametrize("language", ["es", "ru"])
def test_every_interface_string_has_a_translation(language):
    template = _ids(_catalog(build_locale.TEMPLATE))
    catalog = _catalog(catalogue_path(language, ".po"), language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(forms):
            missing.append(message.id)
    assert not missing, f"{language}: {len(missing)} untranslated: {missing[:5]}"
    assert template <= _ids(catalog), sorted(template - _ids(catalog))[:5]


@pytest.mark.parametrize("language", ["es", "ru"])
def test_translations_keep_every_placeholder(language):
    """``{n}``, ``{km}`` … are filled by the code: a renamed or dropped one would raise or
    lose a number."""
    for message in _catalog(catalogue_path(language, ".po"), language):
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == wanted, (language, message.id)


def test_russian_has_three_plural_forms_and_spanish_two():
    assert _catalog(catalogue_path("ru", ".po"), "ru").num_plurals == 3
    assert _catalog(catalogue_path("es", ".po"), "es").num_plurals == 2


@pytest.mark.parametrize(("count", "expected"), [
    (1, "1 наблюдение"), (3, "3 наблюдения"), (5, "5 наблюдений"), (21, "21 наблюдение"),
    (12, "12 наблюдений")])
def test_russian_plurals_follow_the_number(count, expected):
    text = i18n.translations("ru").ngettext("{n} sighting", "{n} sightings", count)
    assert text.format(n=count) == expected


def test_a_stale_compiled_catalogue_is_not_used(tmp_path, monkeypatch):
    """Without a .mo (a fresh clone before make install), the .po is compiled in memory."""
    po = tmp_path / "es" / "LC_MESSAGES" / "footprint.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalogue_path("es", ".po").read_bytes())
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.translations("es").gettext("Sources") == "Fuentes"
    finally:
        i18n.translations.cache_clear()


# --------------------------------------------------------------------------- the language
@pytest.mark.parametrize(("header", "expected"), [
    ("es-VE,es;q=0.9,en;q=0.8", "es"),
    ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
    ("en-GB,en;q=0.9,ru;q=0.8", "en"),
    ("de-DE,de;q=0.9,ru;q=0.7,es;q=0.8", "es"),   # by q-value, not by position
    ("fr;q=0.9, ES;q=0.9, ru;q=0.9", "es"),       # a tie: the header's order; any case
    ("ru;q=0, es;q=0.1", "es"),                    # q=0 means "not this one"
    ("es;q=abc, ru", "ru"),                        # an unreadable q counts as 0
    ("pt-BR, fr", "en"),
    ("*", "en"),
    ("", "en"),
    (None, "en"),
])
def test_the_browsers_preferred_language(header, expected):
    assert preferred_language(header) == expected


def test_outside_the_app_the_language_is_english():
    assert i18n.current_language() == "en"
    assert i18n._("Sources") == "Sources"


# --------------------------------------------------------------------------- formats
@pytest.mark.parametrize(("value", "digits", "language", "expected"), [
    (2.5, None, "es", "2,5"),
    (0.25, 2, "es", "0,25"),
    (12345, None, "es", "12.345"),
    (12345, None, "en", "12,345"),
    (1.0, 1, "en", "1.0"),
    (2.5, None, "ru", "2,5"),
    (10000, None, "ru", "10\xa0000"),
])
def test_numbers_in_the_locales_format(value, digits, language, expected):
    assert number(value, digits, language=language) == expected


def test_days_in_the_locales_format():
    assert day(date(2019, 3, 7), language="en") == "Mar 7, 2019"
    assert day(date(2019, 3, 7), language="es") == "7 mar 2019"
    assert day(date(2019, 3, 7), language="ru") == "7 мар. 2019\u202fг."


# --------------------------------------------------------------------------- the pages
@pytest.fixture(autouse=True)
def navigation_like_the_server(monkeypatch):
    """As in test_app.py: AppTest reruns the frame, as the server does."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def run_app(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    """Headers, subheaders, captions, markdown, expander and widget labels."""
    found = [e.value for kind in ("header", "subheader", "caption", "markdown", "warning",
                                  "info") for e in getattr(at, kind)]
    found += [e.label for e in at.expander]
    found += [w.label for kind in ("slider", "selectbox", "multiselect", "radio", "toggle",
                                   "button", "number_input") for w in getattr(at, kind)]
    return found


#: Per page and language: texts that must be shown, and English ones that must not.
PAGES = {
    "pages/data_page.py": (["Layers in use", "Add your own sightings or facilities",
                            "Workspace"],
                           {"es": ["Capas en uso", "Añada sus propios avistamientos o "
                                   "instalaciones", "Espacio de trabajo"],
                            "ru": ["Используемые слои", "Добавьте свои наблюдения или объекты",
                                   "Рабочее пространство"]}),
    "pages/sources_page.py": (["How sure is each report?", "Claims without a place",
                               "Method, for non-statisticians"],
                              {"es": ["¿Qué tan segura es cada información?",
                                      "Afirmaciones sin lugar", "Método, para no estadísticos"],
                               "ru": ["Насколько надёжно каждое сообщение?",
                                      "Утверждения без места", "Метод — для нестатистиков"]}),
    "pages/analysis_page.py": (["Result", "Caveats", "Downloads",
                                "Every radius at once: the global envelope"],
                               {"es": ["Resultado", "Salvedades", "Descargas"],
                                "ru": ["Результат", "Оговорки", "Файлы для скачивания"]}),
}
SIDEBAR = {"es": ("Mapa y prueba", "Radio de la zona de influencia (km)", "Capas"),
           "ru": ("Карта и тест", "Радиус буферной зоны (км)", "Слои")}


@pytest.mark.parametrize("language", ["es", "ru"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_page_opens_in_the_language_of_the_url(page, language):
    at = run_app(page, lang=language)
    english, translated = PAGES[page]
    texts = _texts(at)
    for text in translated[language]:
        assert text in texts, (language, text)
    for text in english:
        assert text not in texts, (language, text)
    heading, radius, layers = SIDEBAR[language]
    assert heading in [h.value for h in at.sidebar.header]
    assert at.sidebar.slider(key="radius_km").label == radius
    assert at.sidebar.multiselect(key="layers").label == layers
    assert at.sidebar.selectbox(key="lang").value == language
    assert at.query_params["lang"] in (language, [language])


def test_the_language_menu_changes_the_interface_and_the_url_keeps_the_choices():
    at = run_app("pages/data_page.py", radius_km="80")
    assert "Layers in use" in [h.value for h in at.subheader]
    assert "lang" not in at.query_params  # English: the default, left out of the URL
    at.sidebar.selectbox(key="lang").set_value("ru").run()
    assert not at.exception
    assert "Используемые слои" in [h.value for h in at.subheader]
    assert at.query_params["lang"] in ("ru", ["ru"])
    assert at.sidebar.slider(key="radius_km").value == 80  # the other choices stay


def test_an_unknown_language_in_the_url_is_named_and_english_shown():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = "de"
    at.run()
    assert not at.exception
    assert any("?lang='de' is not one of the choices" in w.value for w in at.warning)
    assert at.sidebar.selectbox(key="lang").value == "en"
    assert "lang" not in at.query_params


def test_spanish_numbers_on_the_analysis_page_use_a_decimal_comma():
    at = run_app("pages/analysis_page.py", lang="es", simulations="200")
    caption = next(c.value for c in at.caption if c.value.startswith("Esperado por azar"))
    assert re.match(r"Esperado por azar: \d+,\d\d avistamientos", caption), caption
    assert re.search(r"Distancia media a la instalación más cercana: [\d.]+,\d km", caption)


# --------------------------------------------------------------------------- the map page
def _map_args(at: AppTest) -> dict:
    import json

    (component,) = [e for e in at.get("component_instance")
                    if e.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)


#: Per language: the Map page's title, result line, captions, table, and the map's words
#: (legend in the base map, popups in the layers, layer switcher).
MAP_PAGE = {
    "es": dict(
        title="¿Se vio a especialistas rusos cerca de activos empresariales rusos?",
        result=("**2 de 3 avistamientos independientes están a menos de 50 km de un activo "
                "financiado por Rusia. En todos los radios de 20 a 300 km, pueblos venezolanos "
                "al azar quedan al menos igual de cerca en "),
        numbers=r"en \d,\d% de los sorteos \(prueba global, p = 0,0\d\d\); los resultados "
                r"con un solo radio van de p = 0,0\d\d a 0,\d\d\. La prueba global con otros",
        captions=["Qué significa p: p es la proporción", "Modelo de azar: Suponemos",
                  "No contados (situados en una instalación por construcción): Amuay",
                  "**El mapa, en palabras.** Mapa de Venezuela y sus vecinos. Se muestra:",
                  "Haga clic en un avistamiento del mapa"],
        columns=["avistamiento", "instalación más cercana", "distancia (km)",
                 "dentro del radio"],
        yes_no={"sí", "no"},
        base=["<b>Leyenda</b>", "Zona de influencia al radio elegido (geodésica)",
              "Restablecer la vista"],
        layers=["fecha:", "Ubicación con un margen de unos", "Fuentes",
                "sin dirección pública en nuestra copia"],
        switcher=["Zonas de influencia, 50 km alrededor de los avistamientos",
                  "Precisión de la ubicación", "Instalaciones"]),
    "ru": dict(
        title="Видели ли российских специалистов рядом с российскими бизнес-активами?",
        result=("**2 из 3 независимых наблюдений находятся в пределах 50 км от объекта с "
                "российским финансированием. На всех радиусах от 20 до 300 км случайные "
                "венесуэльские города оказываются так же близко или ближе в "),
        numbers=r"в \d,\d% розыгрышей \(глобальный тест, p = 0,0\d\d\); результаты для "
                r"отдельных радиусов: p = 0,0\d\d–0,\d\d\. Глобальный тест с другими",
        captions=["Что означает p: p — доля", "Модель случайности: Мы допускаем",
                  "Не учтены (привязаны к объекту по построению): Amuay",
                  "**Карта словами.** Карта Венесуэлы и соседних стран. Показано:",
                  "Нажмите на наблюдение на карте"],
        columns=["наблюдение", "ближайший объект", "расстояние (км)", "в пределах радиуса"],
        yes_no={"да", "нет"},
        base=["<b>Легенда</b>", "Буферная зона выбранного радиуса (геодезическая)",
              "Сбросить вид"],
        layers=["дата:", "Местоположение с точностью около", "Источники",
                "в нашей копии нет публичного адреса"],
        switcher=["Буферные зоны: 50 км вокруг наблюдений", "Точность местоположения",
                  "Объекты"]),
}
#: English the Map page must not show in another language (page and map).
MAP_ENGLISH = ["Were Russian specialists", "independent sightings", "Across all radii",
               "What p means", "Map, in words", "Not counted", "Click a sighting",
               "nearest facility", "within radius"]
MAP_ENGLISH_IN_MAP = ["<b>Legend</b>", "Buffer at the chosen radius", "Reset view",
                      "Location within about", "no public address", "Buffers, 50 km",
                      "Distance to nearest facility"]


@pytest.mark.parametrize("language", ["es", "ru"])
def test_the_map_page_and_its_map_speak_the_language_of_the_url(language):
    at = run_app("pages/map_page.py", lang=language, simulations="999")
    expected = MAP_PAGE[language]
    assert expected["title"] in [h.value for h in at.subheader]
    lines = [m.value for m in at.markdown]
    result = next(line for line in lines if line.startswith(expected["result"]))
    assert re.search(expected["numbers"], result), result
    captions = " ".join(c.value for c in at.caption)
    for text in expected["captions"]:
        assert text in captions, text
    table = at.table[0].value
    assert list(table.columns) == expected["columns"]
    assert set(table[expected["columns"][-1]]) == expected["yes_no"]
    shown = " ".join(lines) + " " + captions + " " + " ".join(h.value for h in at.subheader)
    for text in MAP_ENGLISH:
        assert text not in shown, text
    args = _map_args(at)
    # the map's words sit in JSON strings (\u00e1, \u003cb\u003e): read as the browser does
    words = {part: re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), args[key])
             for part, key in (("base", "script"), ("layers", "feature_group"),
                               ("switcher", "layer_control"))}
    for part, texts in words.items():
        for text in expected[part]:
            assert text in texts, (part, text)
    everything = " ".join(words.values())
    for text in MAP_ENGLISH_IN_MAP:
        assert text not in everything, text


def test_the_translated_base_map_is_the_same_on_every_rerun():
    """The iframe stays (no reload) when the slider moves, in Russian as in English."""
    at = run_app("pages/map_page.py", lang="ru", simulations="999")
    before = _map_args(at)
    at.slider(key="radius_km").set_value(120).run()
    after = _map_args(at)
    assert after["script"] == before["script"]
    assert "120 \\u043a\\u043c" in after["layer_control"]  # "120 км" in a JSON string


def test_the_command_line_and_the_code_stay_english_after_the_app_ran():
    """The hook answers per run: outside one, the analysis' sentences are English."""
    from analysis.wording import headline
    from mapview.build import legend_html

    line = headline(observed_within=2, n_sightings=3, radius_km=50, null="towns",
                    global_p=0.0243, r_min_km=20, r_max_km=300,
                    single_radius_p=(0.0807, 0.3739))
    assert line.startswith("2 of 3 independent sightings lie within 50 km of a "
                           "Russian-financed asset. Across all radii from 20 to 300 km")
    assert "<b>Legend</b>" in legend_html()


def test_a_spanish_run_writes_spanish_sentences_except_inside_english(monkeypatch):
    """The hook as the app installs it, for a Spanish run: the analysis and the map speak
    Spanish with a decimal comma; ``english()`` (the figure's credit line) keeps English."""
    from analysis.wording import headline
    from layers import language

    monkeypatch.setattr(language, "_provider", lambda: ("es", i18n.translations("es")))
    words = dict(observed_within=2, n_sightings=3, radius_km=12.5, null="towns",
                 global_p=0.0243, r_min_km=20, r_max_km=300, single_radius_p=(0.0807, 0.3739))
    assert headline(**words).startswith(
        "2 de 3 avistamientos independientes están a menos de 12,5 km de un activo "
        "financiado por Rusia. En todos los radios de 20 a 300 km, pueblos venezolanos al "
        "azar quedan al menos igual de cerca en 2,4% de los sorteos (prueba global, "
        "p = 0,024); los resultados con un solo radio van de p = 0,081 a 0,37.")
    with language.english():
        assert headline(**words).startswith("2 of 3 independent sightings lie within 12.5 km")
    assert language.language() == "es"


@pytest.mark.parametrize("lang,one_radius,uncertainty", [
    ("es", r"^\d de \d avistamientos están a menos de 50 km de una instalación\. En 200 "
           r"simulaciones en las que se eligió al azar el mismo número de ciudades distintas, "
           r"\d+ \(\d+,\d%\) tuvieron al menos tantos, así que p = 0,\d+\.",
     r"^Moviendo cada ubicación al azar dentro de su precisión declarada \(\d+ veces\), "),
    ("ru", r"^\d из \d наблюдений находятся в пределах 50 км от объекта\. В 200 симуляциях, "
           r"где случайно выбиралось столько же разных городов, в \d+ \(\d+,\d%\) их было не "
           r"меньше, поэтому p = 0,\d+\.",
     r"^Если сдвигать каждое место случайно в пределах заявленной точности \(\d+ раз\), "),
])
def test_the_analysis_page_s_statements_are_in_the_reader_s_language(lang, one_radius,
                                                                       uncertainty):
    """The one-radius and location-uncertainty sentences are rebuilt from the result's
    numbers in the reader's language (the cached result keeps the English one)."""
    at = run_app("pages/analysis_page.py", lang=lang, simulations="200")
    texts = [m.value for m in at.markdown]
    assert any(re.match(one_radius, t) for t in texts), texts
    assert any(re.match(uncertainty, t) for t in texts), texts
    assert not [t for t in texts if "simulations where" in t or "Moving every location" in t]
    english = run_app("pages/analysis_page.py", lang="en", simulations="200")
    assert any(re.match(r"^\d of \d sightings lie within 50 km of a facility\. In 200 "
                        r"simulations where the same number", m.value) for m in english.markdown)
