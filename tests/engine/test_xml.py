"""Hostile and broken XML is refused with a clear error, and nothing from outside is ever read."""

from __future__ import annotations

import pytest

from service.engine import DiagramRejected, compile_process
from service.engine.xml import parse_xml
from tests.conftest import DATA

SECRET = "TOP-SECRET-CONTENT-7731"

MINIMAL = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">'
    '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>'
)


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def _laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">']
    entities += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]><definitions>&lol9;</definitions>'


def hostile_documents(secret_path):
    return {
        "xxe_file": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret_path}">]>'
                    f'<definitions>&x;</definitions>',
        "xxe_network": '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
                       '<definitions>&x;</definitions>',
        "parameter_entity": f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY % p SYSTEM "file://{secret_path}"> %p;]>'
                            '<definitions/>',
        "billion_laughs": _laughs(),
        "plain_doctype": "<!DOCTYPE html>" + MINIMAL,
        "doctype_after_padding": "<?xml version='1.0'?>" + "<!-- pad -->" * 500
                                 + '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd">' + MINIMAL,
        "not_xml": "this is not xml at all { }",
        "binary": "\x00\x01\x02PK\x03\x04",
        "json": '{"bpmn": "definitions"}',
        "unclosed": "<definitions><process>",
        "empty": "   ",
    }


@pytest.mark.parametrize("kind", list(hostile_documents("/x")))
def test_hostile_or_broken_xml_is_refused_clearly(kind, secret_file):
    document = hostile_documents(secret_file)[kind]
    with pytest.raises(DiagramRejected) as err:
        parse_xml(document, name="upload.bpmn")
    message = str(err.value)
    assert err.value.problems and err.value.problems[0].file == "upload.bpmn"
    assert message and SECRET not in message


@pytest.mark.parametrize("kind", ["xxe_file", "parameter_entity", "billion_laughs"])
def test_hostile_xml_is_refused_by_the_whole_pipeline(kind, secret_file):
    with pytest.raises(DiagramRejected) as err:
        compile_process({"upload.bpmn": hostile_documents(secret_file)[kind]})
    assert SECRET not in repr(err.value.problems)


def test_a_file_over_the_size_cap_is_refused_before_parsing():
    big = MINIMAL.replace("</bpmn:definitions>", "<!--" + "x" * 5000 + "--></bpmn:definitions>")
    with pytest.raises(DiagramRejected, match="limit is 4096 bytes"):
        parse_xml(big, name="big.bpmn", max_bytes=4096)


def test_schema_invalid_bpmn_is_refused_with_a_message():
    invalid = MINIMAL.replace('<bpmn:startEvent id="s"/>', '<bpmn:startEvent id="s"/><bpmn:bogusThing id="b"/>')
    with pytest.raises(DiagramRejected) as err:
        compile_process({"upload.bpmn": invalid})
    assert "bogusThing" in str(err.value)


def test_a_sound_diagram_parses_and_lists_its_user_tasks():
    compiled = compile_process({"review_case.bpmn": (DATA / "review_case.bpmn").read_text()})
    assert compiled.process_id == "review_case"
    assert sorted(compiled.user_tasks) == ["describe_concern", "give_advice", "record_decision"]
    assert compiled.user_tasks["give_advice"].lane == "Manager"
    assert compiled.user_tasks["give_advice"].form == "give_advice.json"
