"""The display names of the queues desktops show instead of queue codes (``GET /catalogue``).

Queues are named by the PBX configuration (``X-Queue: shop``); their names for people are listed here
until queues become a catalogue table admins edit like disposition codes.
"""

from __future__ import annotations

from app.wire.dispositions import QueueName

QUEUE_NAMES: tuple[QueueName, ...] = (
    QueueName(code="sales", label_en="Sales", label_ru="Продажи"),
    QueueName(code="support", label_en="Support", label_ru="Поддержка"),
    QueueName(code="shop", label_en="Online shop", label_ru="Интернет-магазин"),
    QueueName(code="lens", label_en="Contact lenses", label_ru="Контактные линзы"),
    QueueName(code="finance", label_en="Finance", label_ru="Финансы"),
    QueueName(code="survey", label_en="Survey", label_ru="Опрос"),
)
