"""Hostile and malformed bodies on POST /wechat: never a 500, never an answer to garbage.

Every payload goes in at three layers, as an attacker could place it: the body of a plain-mode
message (the URL signature covers no body there), the outer safe-mode envelope (parsed before
its msg_signature can be checked), and the decrypted inner message (correctly encrypted and
signed, so only the parser stands in the way). The platform must get "success" (or 403/413),
the chat service must never see entity-expanded text, and the app must stay healthy.
"""

from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wechatpy.crypto import PrpCrypto, WeChatCrypto

from graph.settings import Settings
from tests.support.wechat_platform import FakeChat, WeChatPlatform, full_app, random_aes_key, sign

TOKEN, APPID = "kepu-fuzz-token", "wx00fuzz0000000000"
OPENID = "oFuzz"
LAYERS = ("plain", "envelope", "inner")


class Endpoint:
    """One app (plain or safe mode) with a fake chat, and how to post a payload at a layer."""

    def __init__(self, tmp_path, safe: bool):
        self.platform = WeChatPlatform(TOKEN, APPID, random_aes_key() if safe else "")
        settings = Settings(data_dir=tmp_path, model_dir=tmp_path / "no-model", wechat_token=TOKEN,
                            wechat_appid=APPID, wechat_aes_key=self.platform.aes_key,
                            rate_limit_per_minute=0, wechat_rate_limit_per_minute=0)
        self.chat = FakeChat()
        app = full_app(settings, self.chat)
        self.client = TestClient(app)

    def post(self, payload: bytes, layer: str):
        params = self.platform.url_params()
        if layer == "envelope":
            params.update(encrypt_type="aes", msg_signature="0" * 40)
        elif layer == "inner":
            text = payload.decode("utf-8", errors="replace")
            encrypt = PrpCrypto(WeChatCrypto(TOKEN, self.platform.aes_key, APPID).key).encrypt(text, APPID)
            encrypt = encrypt.decode("ascii")
            params.update(encrypt_type="aes", msg_signature=sign(TOKEN, params["timestamp"], params["nonce"], encrypt))
            payload = (f"<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt>"
                       "</xml>").encode()
        return self.client.post("/wechat", params=params, content=payload)


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    plain = Endpoint(tmp_path_factory.mktemp("plain"), safe=False)
    safe = Endpoint(tmp_path_factory.mktemp("safe"), safe=True)
    with plain.client, safe.client:
        yield {"plain": plain, "envelope": safe, "inner": safe}


def message(content: str = "谁负责科普教育基地建设？", extra: str = "") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{content}</Content><MsgId>{time.time_ns()}</MsgId>{extra}</xml>")


def assert_refused(response) -> None:
    """What a hostile body may get: "success" (WeChat then does nothing), 403 or 413. No leak."""
    assert response.status_code != 500, response.text
    assert response.status_code in (200, 403, 413), response.status_code
    if response.status_code == 200:
        assert response.text == "success", f"garbage must not be answered: {response.text[:200]!r}"
    for leak in ("root:x:0:0", "Traceback", "lollollol"):
        assert leak not in response.text


def assert_no_expansion(endpoint: Endpoint) -> None:
    for question, _ in endpoint.chat.calls:
        assert "root:" not in question and "lollollol" not in question, question[:200]


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + "]>" + message("&lol9;"))
HOSTILE = {
    "xxe-file": '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + message("&xxe;"),
    "xxe-ssrf": '<!DOCTYPE xml [<!ENTITY xxe SYSTEM "http://127.0.0.1:CANARY/secret">]>' + message("&xxe;"),
    "xxe-parameter": '<!DOCTYPE xml [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>' + message(),
    "external-dtd": '<!DOCTYPE xml SYSTEM "http://127.0.0.1:CANARY/evil.dtd">' + message(),
    "billion-laughs": BILLION_LAUGHS,
    "quadratic-blowup": '<!DOCTYPE xml [<!ENTITY a "' + "A" * 20000 + '">]>' + message("&a;" * 2000),
    "internal-entity": '<!DOCTYPE xml [<!ENTITY name "区科协">]>' + message("&name;"),
    "huge-attribute": message().replace("<xml>", '<xml a="' + "A" * 60000 + '">'),
    "many-attributes": message().replace("<xml>", "<xml " + " ".join(f"a{i}='x'" for i in range(5000)) + ">"),
    "deep-nesting": "<xml>" + "<a>" * 10000 + "</a>" * 10000 + "</xml>",
    "truncated": message()[:70],
    "truncated-cdata": message()[: message().index("<Content>") + 14],
    "two-roots": message() + message(),
    "no-root": "<ToUserName>gh_x</ToUserName>",
    "nested-field": message().replace("<Content>", "<Content><b>x</b>"),
    "json": '{"ToUserName": "gh_x", "Content": "hi"}',
    "empty": "",
    "nul-bytes": "<xml>\x00\x00</xml>",
    "bad-utf8": None,  # bytes, below
    "utf16-declared": None,
    "processing-instruction": '<?xml-stylesheet href="http://127.0.0.1:CANARY/x.xsl"?>' + message("&amp;"),
}
RAW = {
    "bad-utf8": b"<xml><Content>\xff\xfe\xc3\x28</Content></xml>",
    "utf16-declared": b'<?xml version="1.0" encoding="UTF-16"?>' + message().encode("utf-16"),
}


# Well-formed messages with hostile padding: a DTD or stylesheet that only points somewhere (harmless
# if never fetched: the canary must see no connection) or oversized attributes. They may be answered.
WELL_FORMED_PADDING = {"external-dtd", "processing-instruction", "huge-attribute", "many-attributes"}


@pytest.fixture(scope="module")
def canary():
    """A listening socket nothing should ever connect to (SSRF through external entities or DTDs)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def assert_never_contacted(canary) -> None:
    try:
        connection, _ = canary.accept()
    except BlockingIOError:
        return
    connection.close()
    pytest.fail("the server fetched a URL named in the XML (SSRF)")


def payload_bytes(name: str, port: int) -> bytes:
    return RAW[name] if name in RAW else HOSTILE[name].replace("CANARY", str(port)).encode("utf-8")


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_without_error(endpoints, canary, name, layer):
    endpoint = endpoints[layer]
    started = time.monotonic()
    response = endpoint.post(payload_bytes(name, canary.getsockname()[1]), layer)
    assert time.monotonic() - started < 3, f"{name} at {layer} took too long: entity expansion?"
    assert_never_contacted(canary)
    if name in WELL_FORMED_PADDING and response.status_code == 200 and response.text != "success":
        assert endpoint.platform.read_reply(response.text).to_user == OPENID
    else:
        assert_refused(response)
    assert_no_expansion(endpoint)


@pytest.mark.parametrize("layer", ["plain", "envelope"])
def test_bodies_over_64_kib_are_413(endpoints, layer):
    response = endpoints[layer].post(message().replace("<xml>", '<xml a="' + "A" * 70000 + '">').encode(), layer)
    assert response.status_code == 413


@pytest.mark.parametrize("encoding, text", [("gbk", "科普"), ("latin-1", "café"), ("utf-16", "科普")])
def test_a_body_in_another_encoding_is_ignored_not_misread(endpoints, encoding, text):
    body = f'<?xml version="1.0" encoding="{encoding}"?>{message(text)}'.encode(encoding)
    assert_refused(endpoints["plain"].post(body, "plain"))


def test_a_good_message_is_still_answered_after_the_abuse(endpoints):
    for layer in ("plain", "inner"):
        response = endpoints[layer].post(message(f"<![CDATA[正常的问题 {layer}]]>").encode(), layer)
        assert response.status_code == 200 and response.text != "success", "the endpoint must keep working"
        reply = endpoints[layer].platform.read_reply(response.text)
        assert reply.to_user == OPENID and "正常的问题" in reply.content


# --- generated garbage ----------------------------------------------------------------------------
TAGS = ["xml", "ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Encrypt", "Event",
        "Recognition", "x"]
_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_fragment = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    _text,
    _text.map(lambda t: f"<![CDATA[{t}]]>"),
    st.sampled_from(["&amp;", "&lt;", "&#0;", "&#x110000;", "&xxe;", "]]>", "<!--", "-->", "<?xml?>", "<!DOCTYPE x>",
                     '<!ENTITY e "x">', "<![CDATA[", "\x00", "\ufeff", "<a b='>", "&#1234567890;"]),
    st.integers().map(str),
)
xmlish = st.lists(_fragment, max_size=40).map("".join)
garbage = st.one_of(
    xmlish.map(lambda s: s.encode("utf-8")),
    st.tuples(xmlish, st.sampled_from(["utf-16", "gbk", "latin-1", "utf-32"])).map(
        lambda pair: pair[0].encode(pair[1], errors="replace")),
    st.binary(max_size=400),
    st.tuples(st.sampled_from([message(), message("&lt;&gt;"), HOSTILE["xxe-file"]]), st.integers(0, 400)).map(
        lambda pair: pair[0][: pair[1]].encode("utf-8")),
)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(body=garbage, layer=st.sampled_from(LAYERS))
def test_generated_garbage_never_breaks_the_endpoint(endpoints, body, layer):
    endpoint = endpoints[layer]
    response = endpoint.post(body, layer)
    assert response.status_code in (200, 403, 413), f"{response.status_code} for {body[:120]!r} at {layer}"
    if response.status_code == 200 and response.text != "success":
        reply = endpoint.platform.read_reply(response.text)  # a real message after all: a proper reply
        assert reply.to_user and reply.content
    assert_no_expansion(endpoint)


_param = st.one_of(st.none(), st.text(max_size=50), st.sampled_from(["aes", "raw", "AES", "0" * 40, "\u00e9" * 40]))
query = st.fixed_dictionaries({}, optional={name: _param.filter(lambda v: v is not None) for name in
                                            ("signature", "timestamp", "nonce", "echostr", "encrypt_type",
                                             "msg_signature", "openid")})


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=query, layer=st.sampled_from(["plain", "envelope"]))
def test_generated_query_strings_never_break_the_endpoint(endpoints, params, layer):
    """Signatures with non-ASCII characters once made hmac.compare_digest raise: a 500."""
    client = endpoints[layer].client
    for response in (client.get("/wechat", params=params), client.post("/wechat", params=params, content=message())):
        assert response.status_code in (200, 403, 413), f"{response.status_code} for {params!r}"
        assert response.status_code == 403 or response.text in ("success", params.get("echostr", ""))
