"""Reading caller data out of raw INVITEs, including hostile ones."""

from __future__ import annotations

from sip import sipmsg

INVITE = (
    "INVITE sip:1001@127.0.0.1:5070 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-1\r\n"
    'From: "Иван \\"Ваня\\" Петров" <sip:79123456789@pbx.example>;tag=1\r\n'
    "To: <sip:1001@127.0.0.1>\r\n"
    "i: abc@127.0.0.1\r\n"
    'P-Asserted-Identity: "Ivan" <sip:+79123456789@pbx.example>\r\n'
    "Call-Info: <http://crm.example/c/42>;purpose=info\r\n"
    "Call-Info: <sip:pbx>;answer-after=2\r\n"
    "X-Customer-Id: 42\r\n"
    "X-Queue: sales,\r\n"
    " vip\r\n"
    "Content-Length: 0\r\n\r\n"
)


def test_headers_in_order_with_compact_names_and_folding() -> None:
    headers = sipmsg.parse_headers(INVITE)
    assert sipmsg.header_values(headers, "call-id") == ["abc@127.0.0.1"]
    assert sipmsg.x_headers(headers) == (("X-Customer-Id", "42"), ("X-Queue", "sales, vip"))


def test_display_name_and_number() -> None:
    headers = sipmsg.parse_headers(INVITE)
    name, uri = sipmsg.split_name_addr(sipmsg.header_values(headers, "From")[0])
    assert (name, uri) == ('Иван "Ваня" Петров', "sip:79123456789@pbx.example")
    _pai_name, pai_uri = sipmsg.split_name_addr(sipmsg.header_values(headers, "P-Asserted-Identity")[0])
    assert sipmsg.uri_user(pai_uri) == "+79123456789"
    assert sipmsg.uri_user("tel:+74951234567;phone-context=x") == "+74951234567"
    assert sipmsg.uri_user("sip:pbx.example") == ""
    assert sipmsg.split_name_addr("sip:100@h;tag=2") == ("", "sip:100@h")


def test_answer_after_variants() -> None:
    assert sipmsg.answer_after(sipmsg.parse_headers(INVITE)) == 2.0
    assert sipmsg.answer_after([("Alert-Info", "<http://x>;info=alert-autoanswer")]) == 0.0
    assert sipmsg.answer_after([("Answer-Mode", "Auto;require")]) == 0.0
    assert sipmsg.answer_after([("Call-Info", "<http://crm>;purpose=info")]) is None


def test_hostile_values_are_cut_and_cleaned() -> None:
    huge = "A" * 10_000
    bad_utf8 = b"\xff\xfe Bob".decode("utf-8", "surrogateescape")
    headers = sipmsg.parse_headers(
        f'INVITE sip:a@b SIP/2.0\r\nFrom: "{huge}" <sip:1@h>\r\nTo: "{bad_utf8}\x07" <sip:2@h>\r\n'
        "broken header line without colon\r\n: no name\r\n\r\n"
    )
    name, _ = sipmsg.split_name_addr(sipmsg.header_values(headers, "From")[0])
    assert len(name) <= sipmsg.MAX_VALUE_CHARS + 1
    to_name, _ = sipmsg.split_name_addr(sipmsg.header_values(headers, "To")[0])
    assert to_name == "\ufffd\ufffd Bob"
    assert [n for n, _ in headers] == ["From", "To"]
