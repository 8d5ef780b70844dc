"""SMS through a provider chosen by FAPIAO_SMS_PROVIDER: `console` (the default: logs the
message with a masked number) or `http_json` (POST JSON to FAPIAO_SMS_URL)."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from fapiao.config import env, env_float
from fapiao.notify.channels import DeliveryError, PermanentDeliveryError
from fapiao.notify.models import Delivery
from fapiao.notify.preferences import mask_mobile
from fapiao.notify.render import Message, render

log = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, mobile: str, message: Message, key: str) -> None: ...


class ConsoleSms:
    """For a machine without a gateway: the message goes to the log, the number masked."""

    def send(self, *, mobile: str, message: Message, key: str) -> None:
        log.info("SMS to %s [%s]: %s", mask_mobile(mobile), key, message.text)


class HttpJsonSms:
    """A JSON gateway: POST {mobile, template, params, text, idempotency_key} with the key in
    the X-Api-Key header. 2xx is sent; 5xx, 429 and network errors are retried; other 4xx
    mean the request itself is wrong and are not."""

    def __init__(self, *, url: str, key: str, template: str, timeout: float) -> None:
        self.url = url
        self.key = key
        self.template = template
        self.timeout = timeout

    def send(self, *, mobile: str, message: Message, key: str) -> None:
        if not self.url:
            raise PermanentDeliveryError("未配置 FAPIAO_SMS_URL，无法通过短信网关发送")
        payload = {
            "mobile": mobile,
            "template": self.template,
            "params": {k: message.params[k] for k in ("name", "title", "link", "event")},
            "text": message.text,
            "idempotency_key": key,
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Api-Key": self.key,
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = f"短信网关返回 HTTP {exc.code}"
            if exc.code == 429 or exc.code >= 500:
                raise DeliveryError(detail) from exc
            raise PermanentDeliveryError(detail) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"无法连接短信网关：{reason}") from exc
        log.info("SMS to %s sent through the gateway [%s]", mask_mobile(mobile), key)


def provider() -> SmsProvider:
    name = env("FAPIAO_SMS_PROVIDER").strip().lower()
    if name == "http_json":
        return HttpJsonSms(
            url=env("FAPIAO_SMS_URL"),
            key=env("FAPIAO_SMS_KEY"),
            template=env("FAPIAO_SMS_TEMPLATE"),
            timeout=env_float("FAPIAO_SMS_TIMEOUT"),
        )
    if name != "console":
        raise PermanentDeliveryError(f"未知的短信服务 FAPIAO_SMS_PROVIDER={name}")
    return ConsoleSms()


def send_sms(delivery: Delivery) -> None:
    provider().send(mobile=delivery.address, message=render(delivery), key=delivery.idempotency_key)
