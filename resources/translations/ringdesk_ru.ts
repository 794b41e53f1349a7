<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../ui/actions.py" line="83"/>
        <source>&amp;Answer</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="84"/>
        <source>&amp;Reject</source>
        <translation>О&amp;тклонить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="86"/>
        <source>Answer &amp;second call</source>
        <translation>Ответить на &amp;второй звонок</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="88"/>
        <source>S&amp;wap calls</source>
        <translation>Пере&amp;ключить звонки</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="89"/>
        <source>&amp;Hang up</source>
        <translation>&amp;Завершить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="90"/>
        <source>H&amp;old</source>
        <translation>&amp;Удержание</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="91"/>
        <source>&amp;Mute</source>
        <translation>Вы&amp;кл. микрофон</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="92"/>
        <source>&amp;Transfer...</source>
        <translation>&amp;Перевод...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="93"/>
        <source>&amp;Keypad</source>
        <translation>К&amp;лавиатура</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="94"/>
        <source>&amp;Dial...</source>
        <translation>&amp;Набрать...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="95"/>
        <source>&amp;Ready</source>
        <translation>&amp;Готов</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="96"/>
        <source>&amp;Status...</source>
        <translation>&amp;Статус...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="97"/>
        <source>&amp;Next status...</source>
        <translation>С&amp;ледующий статус...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="99"/>
        <source>&amp;End shift</source>
        <translation>&amp;Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="101"/>
        <source>&amp;Save contact</source>
        <translation>Сохранить &amp;контакт</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="102"/>
        <source>&amp;Finish call</source>
        <translation>&amp;Завершить обработку</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="104"/>
        <source>Disposition %1</source>
        <translation>Результат %1</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="107"/>
        <source>T&amp;asks</source>
        <translation>&amp;Задачи</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="108"/>
        <source>Next &amp;task</source>
        <translation>Следующая &amp;задача</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="109"/>
        <source>Call the &amp;client</source>
        <translation>Позвонить &amp;клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="110"/>
        <source>&amp;Not reached</source>
        <translation>&amp;Не дозвонились</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="112"/>
        <source>&amp;Give back</source>
        <translation>&amp;Вернуть задачу</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="114"/>
        <source>Se&amp;ttings...</source>
        <translation>&amp;Настройки...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="115"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
</context>
<context>
    <name>AudioRouteIndicator</name>
    <message>
        <location filename="../../ui/audio_route.py" line="59"/>
        <source>Headset %1 is back: the call&apos;s sound plays in it again</source>
        <translation>Гарнитура %1 снова подключена: звук звонка снова идёт через неё</translation>
    </message>
    <message>
        <location filename="../../ui/audio_route.py" line="61"/>
        <source>Headset %1 unplugged: the call goes on without sound until you plug it back in</source>
        <translation>Гарнитура %1 отключена: звонок продолжается без звука, пока вы не подключите её снова</translation>
    </message>
    <message>
        <location filename="../../ui/audio_route.py" line="64"/>
        <source>Headset %1 unplugged: the call&apos;s sound now plays on the computer&apos;s default speakers and microphone</source>
        <translation>Гарнитура %1 отключена: звук звонка теперь идёт через динамики и микрофон компьютера по умолчанию</translation>
    </message>
    <message>
        <location filename="../../ui/audio_route.py" line="68"/>
        <source>Headset %1 unplugged: the call&apos;s sound now plays on %2</source>
        <translation>Гарнитура %1 отключена: звук звонка теперь идёт через %2</translation>
    </message>
</context>
<context>
    <name>CallCard</name>
    <message>
        <location filename="../../ui/card/call_card.py" line="273"/>
        <source>Looking up the caller...</source>
        <translation>Ищем звонящего в CRM...</translation>
    </message>
    <message>
        <location filename="../../ui/card/call_card.py" line="275"/>
        <source>No client card for this call.</source>
        <translation>У этого звонка нет карточки клиента.</translation>
    </message>
    <message>
        <location filename="../../ui/card/call_card.py" line="277"/>
        <source>No call. The caller&apos;s card appears here when the phone rings.</source>
        <translation>Звонка нет. Карточка звонящего появится здесь, когда зазвонит телефон.</translation>
    </message>
</context>
<context>
    <name>CallCardWindow</name>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="170"/>
        <source>answered</source>
        <translation>отвечен</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="171"/>
        <source>missed</source>
        <translation>пропущен</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="172"/>
        <source>hung up in the greeting (non-target)</source>
        <translation>положил трубку во время приветствия (нецелевой)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="180"/>
        <source>%1 (within %2 s)</source>
        <translation>%1 (в пределах %2 с)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="180"/>
        <source>%1 (longer than %2 s)</source>
        <translation>%1 (дольше %2 с)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="193"/>
        <source>not reported</source>
        <translation>не сообщён</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="206"/>
        <source>Call %1</source>
        <translation>Звонок %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="217"/>
        <location filename="../../ui/team/reports/call_card.py" line="271"/>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="217"/>
        <location filename="../../ui/team/reports/call_card.py" line="271"/>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="219"/>
        <source>calls</source>
        <translation>звонки</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="220"/>
        <location filename="../../ui/team/reports/call_card.py" line="224"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="221"/>
        <location filename="../../ui/team/reports/call_card.py" line="224"/>
        <source>e-mail</source>
        <translation>e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="222"/>
        <source>marketing</source>
        <translation>реклама</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="224"/>
        <source>call</source>
        <translation>звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="267"/>
        <source>Script: %1</source>
        <translation>Скрипт: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="274"/>
        <source>No script answers</source>
        <translation>Нет ответов по скрипту</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="305"/>
        <location filename="../../ui/team/reports/call_card.py" line="345"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="306"/>
        <source>Client</source>
        <translation>Клиент</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="308"/>
        <source>Caller</source>
        <translation>Звонивший</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="309"/>
        <source>Line</source>
        <translation>Линия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="310"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="311"/>
        <source>Request type</source>
        <translation>Тип обращения</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="312"/>
        <location filename="../../ui/team/reports/call_card.py" line="333"/>
        <location filename="../../ui/team/reports/call_card.py" line="340"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="313"/>
        <source>Arrived</source>
        <translation>Поступил</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="314"/>
        <source>Waited</source>
        <translation>Ожидание</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="315"/>
        <source>Outcome</source>
        <translation>Итог</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="316"/>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="317"/>
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="318"/>
        <source>City</source>
        <translation>Город</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="319"/>
        <source>Segment</source>
        <translation>Сегмент</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="320"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="321"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="322"/>
        <source>Birthday</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="323"/>
        <source>Preferred channel</source>
        <translation>Канал связи</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="324"/>
        <source>Consents</source>
        <translation>Согласия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="328"/>
        <source>No contact card for this caller</source>
        <translation>У звонившего нет карточки клиента</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="329"/>
        <source>&amp;Handling and script answers:</source>
        <translation>&amp;Обработка и ответы по скрипту:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="332"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="334"/>
        <source>Disposition</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="335"/>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="336"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="339"/>
        <source>&amp;Recordings (Enter plays):</source>
        <translation>&amp;Записи (Enter — прослушать):</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="340"/>
        <source>Length</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/call_card.py" line="341"/>
        <source>&amp;Play</source>
        <translation>&amp;Прослушать</translation>
    </message>
</context>
<context>
    <name>CallControls</name>
    <message>
        <location filename="../../ui/call_controls.py" line="218"/>
        <source>Second call waiting: %1</source>
        <translation>Второй звонок ждёт: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="327"/>
        <source>On hold</source>
        <translation>На удержании</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="329"/>
        <source>Muted</source>
        <translation>Микрофон выключен</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="331"/>
        <source>Consulting %1</source>
        <translation>Консультация с %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="334"/>
        <source>Transfer to number or extension</source>
        <translation>Перевести на номер или добавочный</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="335"/>
        <source>Blind transfer</source>
        <translation>Перевести сразу</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="336"/>
        <source>Consult first</source>
        <translation>С консультацией</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="337"/>
        <source>Complete transfer</source>
        <translation>Соединить</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="338"/>
        <source>Back to caller</source>
        <translation>Вернуться к клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="342"/>
        <source>Microphone off: the caller cannot hear you. Press %1 to turn it on.</source>
        <translation>Микрофон выключен: клиент вас не слышит. Нажмите %1, чтобы включить.</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="344"/>
        <source>Microphone off: the caller cannot hear you.</source>
        <translation>Микрофон выключен: клиент вас не слышит.</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <location filename="../../ui/card/editors.py" line="20"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="21"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="22"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="29"/>
        <source>(empty)</source>
        <translation>(пусто)</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="32"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="32"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="160"/>
        <source>not recorded</source>
        <translation>не записано</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="66"/>
        <source>unknown caller</source>
        <translation>неизвестный абонент</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="68"/>
        <source>Ringing: %1</source>
        <translation>Звонит: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="69"/>
        <source>Dialling: %1</source>
        <translation>Набор: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="70"/>
        <source>On hold: %1</source>
        <translation>На удержании: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="71"/>
        <location filename="../../ui/card/glance.py" line="72"/>
        <source>After-call work: %1</source>
        <translation>Обработка звонка: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="74"/>
        <source>On the line: %1</source>
        <translation>На линии: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="86"/>
        <source>Queue: %1</source>
        <translation>Очередь: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="89"/>
        <source>Line dialled: %1</source>
        <translation>Набранный номер: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/task_box.py" line="61"/>
        <source>Task preview set aside for this call: it comes back when the call is over</source>
        <translation>Просмотр задачи отложен на время этого звонка: он вернётся, когда звонок закончится</translation>
    </message>
    <message>
        <location filename="../../ui/card/task_box.py" line="65"/>
        <source>Task preview: no call yet. %1</source>
        <translation>Просмотр задачи: звонка ещё нет. %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/task_box.py" line="69"/>
        <source>Why: %1</source>
        <translation>Причина: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/task_box.py" line="72"/>
        <source>Attempts so far: %1</source>
        <translation>Попыток: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/task_box.py" line="79"/>
        <source>Request: %1</source>
        <translation>Заявка: %1</translation>
    </message>
</context>
<context>
    <name>ChartsPage</name>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="33"/>
        <source>Offered</source>
        <translation>Поступило</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="34"/>
        <source>Accepted</source>
        <translation>Принято</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="35"/>
        <source>Missed</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="36"/>
        <source>Answered, %</source>
        <translation>Отвечено, %</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="37"/>
        <source>Conversion</source>
        <translation>Конверсия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="38"/>
        <source>Handled</source>
        <translation>Обработано</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="51"/>
        <source>No calls in this period</source>
        <translation>За этот период звонков нет</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="52"/>
        <source>Team median</source>
        <translation>Медиана команды</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="58"/>
        <source>Calls and share answered by hour of the day</source>
        <translation>Звонки и доля отвеченных по часам суток</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="59"/>
        <source>Conversion by advertising line</source>
        <translation>Конверсия по рекламным линиям</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/charts_page.py" line="60"/>
        <source>Operators compared: calls handled</source>
        <translation>Сравнение операторов: обработано звонков</translation>
    </message>
</context>
<context>
    <name>ChipBar</name>
    <message>
        <location filename="../../ui/card/chips.py" line="125"/>
        <source>Show this call on the card (%1)</source>
        <translation>Показать этот звонок в карточке (%1)</translation>
    </message>
</context>
<context>
    <name>Chips</name>
    <message>
        <location filename="../../ui/card/chips.py" line="48"/>
        <source>unsaved changes</source>
        <translation>есть несохранённые правки</translation>
    </message>
    <message>
        <location filename="../../ui/card/chips.py" line="55"/>
        <source>Ringing: %1</source>
        <translation>Звонит: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/chips.py" line="59"/>
        <source>On hold: %1 · %2</source>
        <translation>На удержании: %1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/card/chips.py" line="61"/>
        <source>After-call work: %1</source>
        <translation>Обработка: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/chips.py" line="63"/>
        <source>Dialling: %1</source>
        <translation>Набор: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/chips.py" line="64"/>
        <source>On the line: %1</source>
        <translation>На линии: %1</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="34"/>
        <source>The contact was changed by someone else</source>
        <translation>Контакт изменил кто-то другой</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="39"/>
        <source>Someone else changed these fields while you were editing. Choose which value to keep.</source>
        <translation>Пока вы редактировали, эти поля изменил кто-то другой. Выберите, какое значение оставить.</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="43"/>
        <source>Field</source>
        <translation>Поле</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="44"/>
        <source>Your value</source>
        <translation>Ваше значение</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="45"/>
        <source>Saved by someone else</source>
        <translation>Сохранено другим</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="67"/>
        <source>Keep all mine</source>
        <translation>Оставить все мои</translation>
    </message>
    <message>
        <location filename="../../ui/card/conflict_dialog.py" line="69"/>
        <source>Take all theirs</source>
        <translation>Взять все чужие</translation>
    </message>
</context>
<context>
    <name>ContactPage</name>
    <message>
        <location filename="../../ui/card/contact_page.py" line="251"/>
        <source>Check these fields: %1</source>
        <translation>Проверьте поля: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="319"/>
        <source>(no name)</source>
        <translation>(без имени)</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="326"/>
        <source>Prefers: %1</source>
        <translation>Предпочитает: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="334"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="335"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="336"/>
        <location filename="../../ui/card/contact_page.py" line="387"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="337"/>
        <source>Marketing</source>
        <translation>Реклама</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="344"/>
        <source>Consent not recorded</source>
        <translation>Согласие не записано</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="356"/>
        <source>Open callback: %1</source>
        <translation>Назначен перезвон: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="363"/>
        <source>Client&apos;s time unknown</source>
        <translation>Время клиента неизвестно</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="366"/>
        <source>Client&apos;s time %1</source>
        <translation>У клиента %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="368"/>
        <source>good time to call</source>
        <translation>можно звонить</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="368"/>
        <source>outside business hours</source>
        <translation>нерабочее время</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="377"/>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="378"/>
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="379"/>
        <source>Preferred channel</source>
        <translation>Канал связи</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="380"/>
        <source>Consent: calls</source>
        <translation>Согласие: звонки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="381"/>
        <source>Consent: SMS</source>
        <translation>Согласие: SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="382"/>
        <source>Consent: e-mail</source>
        <translation>Согласие: e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="383"/>
        <source>Consent: marketing</source>
        <translation>Согласие: реклама</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="384"/>
        <source>Segment</source>
        <translation>Сегмент</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="385"/>
        <source>City</source>
        <translation>Город</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="386"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="388"/>
        <source>Birthday</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="399"/>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="400"/>
        <source>Revert</source>
        <translation>Отменить правки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="401"/>
        <source>Client &amp;details</source>
        <translation>&amp;Данные клиента</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="402"/>
        <source>Last calls</source>
        <translation>Последние звонки</translation>
    </message>
</context>
<context>
    <name>DashboardPanel</name>
    <message>
        <location filename="../../ui/team/dashboard.py" line="194"/>
        <source>Not updated: %1</source>
        <translation>Не обновлено: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="235"/>
        <source>All queues</source>
        <translation>Все очереди</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="238"/>
        <source> (%1 s)</source>
        <translation> (%1 с)</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="314"/>
        <source>Today so far</source>
        <translation>Сегодня</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="315"/>
        <source>&amp;Wallboard</source>
        <translation>&amp;Табло</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="209"/>
        <source>Calls waiting and the longest wait show when the PBX reports its queues.</source>
        <translation>Ожидающие звонки и самое долгое ожидание показываются, когда АТС сообщает о своих очередях.</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="211"/>
        <source>The PBX is not connected: calls waiting are not known now.</source>
        <translation>АТС не подключена: сколько звонков ждёт, сейчас неизвестно.</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="215"/>
        <source>Calls waiting are not known now in: %1.</source>
        <translation>Сколько звонков ждёт, сейчас неизвестно в очередях: %1.</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="319"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="320"/>
        <source>Waiting</source>
        <translation>Ожидают</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="321"/>
        <source>Longest wait</source>
        <translation>Дольше всех ждёт</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="322"/>
        <source>Offered</source>
        <translation>Поступило</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="323"/>
        <source>Accepted</source>
        <translation>Принято</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="324"/>
        <source>Service level</source>
        <translation>Уровень сервиса</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="325"/>
        <source>Abandoned</source>
        <translation>Брошено</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="326"/>
        <source>Missed, not called back</source>
        <translation>Пропущено, не перезвонили</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="327"/>
        <location filename="../../ui/team/dashboard.py" line="337"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="333"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="334"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="335"/>
        <source>In status</source>
        <translation>В статусе</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="336"/>
        <source>Handled</source>
        <translation>Обработано</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="338"/>
        <source>ACW share</source>
        <translation>Доля постобработки</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="339"/>
        <source>Ready</source>
        <translation>Готов</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="340"/>
        <source>Talk and hold</source>
        <translation>Разговор и удержание</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="341"/>
        <source>ACW</source>
        <translation>Постобработка</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="342"/>
        <source>Not ready</source>
        <translation>Не готов</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="343"/>
        <source>Occupancy</source>
        <translation>Занятость</translation>
    </message>
    <message>
        <location filename="../../ui/team/dashboard.py" line="344"/>
        <source>Plan</source>
        <translation>План</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <location filename="../../ui/desk.py" line="216"/>
        <source>Break requested: waiting for your team lead</source>
        <translation>Перерыв запрошен: ждём решения руководителя группы</translation>
    </message>
    <message>
        <location filename="../../ui/desk.py" line="235"/>
        <source>Call result saved</source>
        <translation>Результат звонка сохранён</translation>
    </message>
    <message>
        <location filename="../../ui/desk.py" line="252"/>
        <source>The server refused the status %1 because: %2</source>
        <translation>Сервер не принял статус «%1»: %2</translation>
    </message>
    <message>
        <location filename="../../ui/desk.py" line="259"/>
        <source>The call result is not saved: %1. Try again.</source>
        <translation>Результат звонка не сохранён: %1. Попробуйте ещё раз.</translation>
    </message>
    <message>
        <location filename="../../ui/card/binding.py" line="154"/>
        <source>The changes to %1 were not saved</source>
        <translation>Правки карточки %1 не сохранены</translation>
    </message>
    <message>
        <location filename="../../ui/card/binding.py" line="171"/>
        <source>Could not look up the caller: the card shows what is known</source>
        <translation>Не удалось найти звонящего: в карточке то, что известно</translation>
    </message>
    <message>
        <location filename="../../ui/acw_notice.py" line="46"/>
        <source>Time&apos;s up: result “%1” recorded</source>
        <translation>Время вышло: записан результат «%1»</translation>
    </message>
    <message>
        <location filename="../../ui/acw_notice.py" line="56"/>
        <source>Time&apos;s up: result “%1” recorded, you are %2</source>
        <translation>Время вышло: записан результат «%1», ваш статус — «%2»</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <location filename="../../ui/main.py" line="256"/>
        <source>Reopened the unfinished after-call work of %n call(s)</source>
        <translation>Открыта незавершённая обработка звонков: %n</translation>
    </message>
    <message>
        <location filename="../../ui/login_flow.py" line="66"/>
        <source>Wrong login or password</source>
        <translation>Неверный логин или пароль</translation>
    </message>
    <message>
        <location filename="../../ui/login_flow.py" line="69"/>
        <source>The server&apos;s certificate is not trusted on this computer (%1). Tell IT: the reason is in the log.</source>
        <translation>Этот компьютер не доверяет сертификату сервера (%1). Сообщите в ИТ-отдел: причина записана в журнале.</translation>
    </message>
    <message>
        <location filename="../../ui/login_flow.py" line="77"/>
        <source>The server does not answer: %1</source>
        <translation>Сервер не отвечает: %1</translation>
    </message>
    <message>
        <location filename="../../ui/resuming.py" line="48"/>
        <source>ringdesk stopped unexpectedly: your status is back as you left it (%1)</source>
        <translation>ringdesk неожиданно закрылся: ваш статус восстановлен таким, каким вы его оставили (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/resuming.py" line="52"/>
        <source>While ringdesk was not running, the server set your status to %1 at %2: choose your status again when you are ready</source>
        <translation>Пока ringdesk не работал, сервер установил вам статус «%1» в %2: выберите статус заново, когда будете готовы</translation>
    </message>
</context>
<context>
    <name>DialPad</name>
    <message>
        <location filename="../../ui/dial_pad.py" line="136"/>
        <source>Number to call</source>
        <translation>Номер для звонка</translation>
    </message>
    <message>
        <location filename="../../ui/dial_pad.py" line="137"/>
        <source>Call</source>
        <translation>Позвонить</translation>
    </message>
    <message>
        <location filename="../../ui/dial_pad.py" line="138"/>
        <source>Recent calls</source>
        <translation>Недавние звонки</translation>
    </message>
</context>
<context>
    <name>DispositionForm</name>
    <message>
        <location filename="../../ui/disposition_form.py" line="235"/>
        <source>Choose a result (keys 1-9)</source>
        <translation>Выберите результат (клавиши 1-9)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="238"/>
        <source>This result needs a comment</source>
        <translation>Для этого результата нужен комментарий</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="240"/>
        <source>The callback time must be in the future</source>
        <translation>Время перезвона должно быть в будущем</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="317"/>
        <source>Comment (required)</source>
        <translation>Комментарий (обязательно)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="317"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="368"/>
        <source>Call result</source>
        <translation>Результат звонка</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="369"/>
        <source>Skip</source>
        <translation>Пропустить</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="372"/>
        <source>Call back at (client&apos;s time, %1)</source>
        <translation>Перезвонить (время клиента, %1)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="374"/>
        <source>Call back at</source>
        <translation>Перезвонить</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="42"/>
        <source>success</source>
        <translation>успех</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="43"/>
        <source>not reached</source>
        <translation>не дозвонились</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="44"/>
        <source>not a target</source>
        <translation>нецелевой</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="45"/>
        <source>mail only</source>
        <translation>только письмо</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="46"/>
        <source>callback</source>
        <translation>обратный звонок</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_codes.py" line="47"/>
        <source>other</source>
        <translation>другое</translation>
    </message>
</context>
<context>
    <name>DrillWindow</name>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="72"/>
        <source>yes</source>
        <translation>есть</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="95"/>
        <source>Call %1</source>
        <translation>Звонок %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="98"/>
        <source>answered</source>
        <translation>отвечен</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="99"/>
        <source>missed</source>
        <translation>пропущен</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="100"/>
        <source>hung up in the greeting (non-target)</source>
        <translation>сброшен во время приветствия (нецелевой)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="102"/>
        <source>Outcome: %1</source>
        <translation>Исход: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="104"/>
        <source>Disposition: %1</source>
        <translation>Результат: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="107"/>
        <source>Talk %1, hold %2, after-call work %3</source>
        <translation>Разговор %1, удержание %2, поствызывная обработка %3</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="113"/>
        <source>Comment: %1</source>
        <translation>Комментарий: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="115"/>
        <source>Script answers:</source>
        <translation>Ответы по скрипту:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="118"/>
        <source>No recording</source>
        <translation>Записи нет</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="121"/>
        <source>Enter or double-click opens the call: the client&apos;s card, the script answers, the recording</source>
        <translation>Enter или двойной щелчок открывают звонок: карточку клиента, ответы по скрипту, запись</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="134"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="135"/>
        <source>Caller</source>
        <translation>Звонивший</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="136"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="137"/>
        <source>Line</source>
        <translation>Линия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="138"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="139"/>
        <source>Disposition</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="140"/>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="141"/>
        <source>Recording</source>
        <translation>Запись</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="146"/>
        <source>Calls behind the figure (%1)</source>
        <translation>Звонки за показателем (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="149"/>
        <source>%1 to %2, %3 calls</source>
        <translation>С %1 по %2, звонков: %3</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/drill.py" line="155"/>
        <source>Calls behind the figure</source>
        <translation>Звонки за показателем</translation>
    </message>
</context>
<context>
    <name>ForceDialog</name>
    <message>
        <location filename="../../ui/team/dialogs.py" line="29"/>
        <source>Force a status: %1</source>
        <translation>Установить статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="35"/>
        <source>End of shift</source>
        <translation>Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="37"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="38"/>
        <source>New status</source>
        <translation>Новый статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="43"/>
        <source>Set status</source>
        <translation>Назначить</translation>
    </message>
</context>
<context>
    <name>HeadsetIndicator</name>
    <message>
        <location filename="../../ui/headset_status.py" line="49"/>
        <source>Headset buttons: %1</source>
        <translation>Кнопки гарнитуры: %1</translation>
    </message>
    <message>
        <location filename="../../ui/headset_status.py" line="52"/>
        <source>Headset %1 unplugged: its buttons do nothing until it is back; the call goes on</source>
        <translation>Гарнитура %1 отключена: её кнопки не работают, пока её не подключат снова; разговор продолжается</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/team/dialogs.py" line="61"/>
        <source>Status history: %1</source>
        <translation>История статусов: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="64"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="64"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="64"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="64"/>
        <source>By</source>
        <translation>Кем</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="85"/>
        <source>system</source>
        <translation>система</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="85"/>
        <source>operator</source>
        <translation>оператор</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../ui/card/history_view.py" line="59"/>
        <source>no result</source>
        <translation>без результата</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="81"/>
        <source>No earlier calls</source>
        <translation>Раньше не звонил</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="91"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="91"/>
        <source>SMS</source>
        <translation>СМС</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="98"/>
        <source>Reply to chain: %1</source>
        <translation>Ответ на цепочку: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="98"/>
        <source>From the client</source>
        <translation>От клиента</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="101"/>
        <source>Chain: %1</source>
        <translation>Цепочка: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="122"/>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="123"/>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="124"/>
        <source>delivered</source>
        <translation>доставлено</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="125"/>
        <source>not delivered</source>
        <translation>не доставлено</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="126"/>
        <source>not sent: error</source>
        <translation>не отправлено: ошибка</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="127"/>
        <source>not sent</source>
        <translation>не отправлено</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="128"/>
        <source>replied</source>
        <translation>получен ответ</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="129"/>
        <source>received</source>
        <translation>получено</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="138"/>
        <source>deleted</source>
        <translation>удалена</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="140"/>
        <source>uploading</source>
        <translation>загружается</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="145"/>
        <source>%1, paused %2</source>
        <translation>%1, пауза %2</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="158"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="159"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="160"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="161"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="162"/>
        <source>Recording</source>
        <translation>Запись</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="163"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../ui/labels.py" line="58"/>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="59"/>
        <source>Ready</source>
        <translation>Готов</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="60"/>
        <source>Not ready</source>
        <translation>Не готов</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="61"/>
        <source>On call</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="62"/>
        <source>After-call work</source>
        <translation>Обработка после звонка</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="64"/>
        <source>Unknown status</source>
        <translation>Неизвестный статус</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="89"/>
        <source>End of shift</source>
        <translation>Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="126"/>
        <source>Kaliningrad</source>
        <translation>Калининград</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="127"/>
        <source>Moscow</source>
        <translation>Москва</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="128"/>
        <source>Simferopol</source>
        <translation>Симферополь</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="129"/>
        <source>Kirov</source>
        <translation>Киров</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="130"/>
        <source>Volgograd</source>
        <translation>Волгоград</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="131"/>
        <source>Astrakhan</source>
        <translation>Астрахань</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="132"/>
        <source>Saratov</source>
        <translation>Саратов</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="133"/>
        <source>Ulyanovsk</source>
        <translation>Ульяновск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="134"/>
        <source>Samara</source>
        <translation>Самара</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="135"/>
        <source>Yekaterinburg</source>
        <translation>Екатеринбург</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="136"/>
        <source>Omsk</source>
        <translation>Омск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="137"/>
        <source>Novosibirsk</source>
        <translation>Новосибирск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="138"/>
        <source>Barnaul</source>
        <translation>Барнаул</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="139"/>
        <source>Tomsk</source>
        <translation>Томск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="140"/>
        <source>Novokuznetsk</source>
        <translation>Новокузнецк</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="141"/>
        <source>Krasnoyarsk</source>
        <translation>Красноярск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="142"/>
        <source>Irkutsk</source>
        <translation>Иркутск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="143"/>
        <source>Chita</source>
        <translation>Чита</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="144"/>
        <source>Yakutsk</source>
        <translation>Якутск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="145"/>
        <source>Khandyga</source>
        <translation>Хандыга</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="146"/>
        <source>Vladivostok</source>
        <translation>Владивосток</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="147"/>
        <source>Ust-Nera</source>
        <translation>Усть-Нера</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="148"/>
        <source>Magadan</source>
        <translation>Магадан</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="149"/>
        <source>Sakhalin</source>
        <translation>Сахалин</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="150"/>
        <source>Srednekolymsk</source>
        <translation>Среднеколымск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="151"/>
        <source>Kamchatka</source>
        <translation>Камчатка</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="152"/>
        <source>Anadyr</source>
        <translation>Анадырь</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="153"/>
        <source>Minsk</source>
        <translation>Минск</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="154"/>
        <source>Kyiv</source>
        <translation>Киев</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="155"/>
        <source>Almaty</source>
        <translation>Алматы</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="156"/>
        <source>Tashkent</source>
        <translation>Ташкент</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="157"/>
        <source>Tbilisi</source>
        <translation>Тбилиси</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="158"/>
        <source>Yerevan</source>
        <translation>Ереван</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="159"/>
        <source>Baku</source>
        <translation>Баку</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="160"/>
        <source>Bishkek</source>
        <translation>Бишкек</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="161"/>
        <source>UTC</source>
        <translation>UTC</translation>
    </message>
    <message>
        <location filename="../../ui/labels.py" line="216"/>
        <source>DD.MM.YYYY</source>
        <translation>ДД.ММ.ГГГГ</translation>
    </message>
</context>
<context>
    <name>Leaving</name>
    <message>
        <location filename="../../ui/leaving.py" line="79"/>
        <source>You are still %1: calls keep ringing here while ringdesk runs in the tray.</source>
        <translation>Вы всё ещё в статусе «%1»: звонки продолжают поступать, пока ringdesk работает в трее.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="82"/>
        <source>Keep working in the tray</source>
        <translation>Продолжить работу в трее</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="84"/>
        <source>You are still %1: calls keep ringing here while ringdesk runs.</source>
        <translation>Вы всё ещё в статусе «%1»: звонки продолжают поступать, пока ringdesk работает.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="87"/>
        <source>Minimise</source>
        <translation>Свернуть</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="92"/>
        <source>End shift and quit</source>
        <translation>Завершить смену и выйти</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="97"/>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="118"/>
        <source>ringdesk is still running</source>
        <translation>ringdesk продолжает работать</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="119"/>
        <source>You are %1. Click the ringdesk icon to open the window.</source>
        <translation>Ваш статус: «%1». Щёлкните значок ringdesk, чтобы открыть окно.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="135"/>
        <source>A call is in progress. Finish it and record its result before quitting.</source>
        <translation>Идёт звонок. Завершите его и сохраните результат, прежде чем выходить.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="141"/>
        <source>Back to the call</source>
        <translation>Вернуться к звонку</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="156"/>
        <source>The result of the last call is not recorded yet. If you quit now, what you typed is kept and the form opens again at the next start.</source>
        <translation>Результат последнего звонка ещё не сохранён. Если выйти сейчас, введённое сохранится и форма откроется снова при следующем запуске.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="163"/>
        <source>Back to the result</source>
        <translation>Вернуться к результату</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="168"/>
        <source>Quit and finish it later</source>
        <translation>Выйти и завершить позже</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="184"/>
        <source>%n record(s) could not be saved on this computer yet (see the message at the top of the window). If you quit now, they are lost.</source>
        <translation>Записи, которые ещё не удалось сохранить на этом компьютере: %n (см. сообщение вверху окна). Если выйти сейчас, они пропадут.</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="193"/>
        <source>Back to ringdesk</source>
        <translation>Вернуться в ringdesk</translation>
    </message>
    <message>
        <location filename="../../ui/leaving.py" line="198"/>
        <source>Quit and lose them</source>
        <translation>Выйти без них</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../ui/login_dialog.py" line="95"/>
        <source>Log in to ringdesk</source>
        <translation>Вход в ringdesk</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="96"/>
        <source>Log in</source>
        <translation>Войти</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="98"/>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="98"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="98"/>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="227"/>
        <source>&amp;Call</source>
        <translation>&amp;Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227"/>
        <source>&amp;Status</source>
        <translation>&amp;Статус</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227"/>
        <source>&amp;Result</source>
        <translation>&amp;Результат</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227"/>
        <source>&amp;Tools</source>
        <translation>С&amp;ервис</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="231"/>
        <source>Dial pad</source>
        <translation>Набор номера</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="232"/>
        <source>The call script appears here when a call is answered.</source>
        <translation>Скрипт разговора появится здесь после ответа на звонок.</translation>
    </message>
</context>
<context>
    <name>MissedPanel</name>
    <message>
        <location filename="../../ui/team/missed.py" line="160"/>
        <source>none due yet (within %1 min)</source>
        <translation>пока не подошёл срок (за %1 мин)</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="163"/>
        <source>%1 % (%2 of %3 within %4 min)</source>
        <translation>%1 % (%2 из %3 за %4 мин)</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="187"/>
        <source>anyone</source>
        <translation>любой</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="202"/>
        <source>Missed calls not called back:</source>
        <translation>Пропущенные без перезвона:</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="203"/>
        <source>Oldest waiting:</source>
        <translation>Самый давний ждёт:</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="204"/>
        <source>Callback SLA today:</source>
        <translation>Перезвонили в срок сегодня:</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="205"/>
        <source>Reassign task...</source>
        <translation>Передать задачу...</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="206"/>
        <source>Cancel task...</source>
        <translation>Отменить задачу...</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="208"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="208"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="208"/>
        <source>Why</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="208"/>
        <source>Owner</source>
        <translation>Исполнитель</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="208"/>
        <source>Due</source>
        <translation>Срок</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="255"/>
        <location filename="../../ui/team/missed.py" line="261"/>
        <source>Cancel task</source>
        <translation>Отменить задачу</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="258"/>
        <source>Cancel the task for %1? Nobody will call this client back.</source>
        <translation>Отменить задачу по номеру %1? Этому клиенту никто не перезвонит.</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="262"/>
        <source>Keep it</source>
        <translation>Оставить</translation>
    </message>
</context>
<context>
    <name>MyScores</name>
    <message>
        <location filename="../../ui/team/my_scores_action.py" line="38"/>
        <source>My &amp;scores</source>
        <translation>Мои &amp;оценки</translation>
    </message>
</context>
<context>
    <name>MyScoresWindow</name>
    <message>
        <location filename="../../ui/team/my_scores.py" line="98"/>
        <source>%1 (critical)</source>
        <translation>%1 (критический)</translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="103"/>
        <source>Your scores could not be read: %1</source>
        <translation>Не удалось прочитать ваши оценки: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="105"/>
        <source>None of your calls has been scored yet</source>
        <translation>Ваши звонки ещё не оценивали</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/team/my_scores.py" line="107"/>
        <source>Average %1 over %n scored call(s)</source>
        <translation>
            <numerusform>В среднем %1 по %n оценённому звонку</numerusform>
            <numerusform>В среднем %1 по %n оценённым звонкам</numerusform>
            <numerusform>В среднем %1 по %n оценённым звонкам</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="112"/>
        <source>My scores</source>
        <translation>Мои оценки</translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="113"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="113"/>
        <source>Score</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <location filename="../../ui/team/my_scores.py" line="113"/>
        <source>Scored by</source>
        <translation>Оценил(а)</translation>
    </message>
</context>
<context>
    <name>NewContactForm</name>
    <message>
        <location filename="../../ui/card/new_contact.py" line="31"/>
        <source>From %1: not in ringdesk yet</source>
        <translation>Из %1: в ringdesk этого клиента ещё нет</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="40"/>
        <source>Company: %1</source>
        <translation>Компания: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="42"/>
        <source>E-mail: %1</source>
        <translation>E-mail: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="45"/>
        <source>Phones: %1</source>
        <translation>Телефоны: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="133"/>
        <source>Create the contact in ringdesk</source>
        <translation>Создать контакт в ringdesk</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="135"/>
        <source>New contact</source>
        <translation>Новый контакт</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="136"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="137"/>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="138"/>
        <source>Segment</source>
        <translation>Сегмент</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="139"/>
        <source>Create contact (Ctrl+S)</source>
        <translation>Создать контакт (Ctrl+S)</translation>
    </message>
</context>
<context>
    <name>PlayerBar</name>
    <message>
        <location filename="../../ui/card/player.py" line="65"/>
        <source>Stop</source>
        <translation>Стоп</translation>
    </message>
    <message>
        <location filename="../../ui/card/player.py" line="65"/>
        <source>Play</source>
        <translation>Слушать</translation>
    </message>
    <message>
        <location filename="../../ui/card/player.py" line="66"/>
        <source>Recording of the call, in your headset</source>
        <translation>Запись разговора, в вашей гарнитуре</translation>
    </message>
</context>
<context>
    <name>Queues</name>
    <message>
        <location filename="../../ui/card/glance.py" line="24"/>
        <source>Contact lenses</source>
        <translation>Контактные линзы</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="25"/>
        <source>Online shop</source>
        <translation>Интернет-магазин</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="26"/>
        <source>Finance</source>
        <translation>Финансы</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="27"/>
        <source>Survey</source>
        <translation>Опрос</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="28"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="29"/>
        <source>Support</source>
        <translation>Поддержка</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <location filename="../../ui/team/missed.py" line="55"/>
        <source>Reassign task: %1</source>
        <translation>Передать задачу: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="57"/>
        <source>Anyone in the team</source>
        <translation>Любой в команде</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="61"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="62"/>
        <source>Give to</source>
        <translation>Кому</translation>
    </message>
    <message>
        <location filename="../../ui/team/missed.py" line="66"/>
        <source>Reassign</source>
        <translation>Передать</translation>
    </message>
</context>
<context>
    <name>RecordingBar</name>
    <message>
        <location filename="../../ui/recording_bar.py" line="60"/>
        <source>Not recorded</source>
        <translation>Не записывается</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="60"/>
        <source>Record</source>
        <translation>Записать</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="61"/>
        <source>Starting the recording...</source>
        <translation>Запись начинается...</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="62"/>
        <source>● Recording</source>
        <translation>● Идёт запись</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="62"/>
        <source>Pause recording</source>
        <translation>Приостановить запись</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="63"/>
        <source>Recording paused</source>
        <translation>Запись приостановлена</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="63"/>
        <source>Resume recording</source>
        <translation>Продолжить запись</translation>
    </message>
    <message>
        <location filename="../../ui/recording_bar.py" line="64"/>
        <source>Recording failed: the call is not recorded</source>
        <translation>Запись не удалась: разговор не записывается</translation>
    </message>
</context>
<context>
    <name>Refusals</name>
    <message>
        <location filename="../../ui/refusals.py" line="28"/>
        <source>answer</source>
        <translation>ответить</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="29"/>
        <source>reject the call</source>
        <translation>отклонить звонок</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="30"/>
        <source>hang up</source>
        <translation>завершить звонок</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="31"/>
        <location filename="../../ui/refusals.py" line="32"/>
        <source>put the call on hold</source>
        <translation>поставить звонок на удержание</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="33"/>
        <source>resume the call</source>
        <translation>вернуться к звонку</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="34"/>
        <location filename="../../ui/refusals.py" line="35"/>
        <source>send keypad digits</source>
        <translation>отправить цифры</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="36"/>
        <source>transfer the call</source>
        <translation>перевести звонок</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="37"/>
        <source>attach a contact</source>
        <translation>привязать контакт</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="38"/>
        <source>save the script&apos;s answers</source>
        <translation>сохранить ответы скрипта</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="39"/>
        <source>save the call result</source>
        <translation>сохранить результат звонка</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="40"/>
        <source>leave after-call work</source>
        <translation>завершить обработку</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="41"/>
        <source>end the shift</source>
        <translation>закончить смену</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="42"/>
        <source>change the status</source>
        <translation>сменить статус</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="49"/>
        <source>ringing</source>
        <translation>входящий вызов</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="50"/>
        <source>being dialled</source>
        <translation>набор номера</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="51"/>
        <source>in conversation</source>
        <translation>разговор</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="52"/>
        <source>on hold</source>
        <translation>на удержании</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="53"/>
        <source>ended</source>
        <translation>завершён</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="54"/>
        <source>in after-call work</source>
        <translation>обработка после звонка</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="55"/>
        <source>finished</source>
        <translation>закрыт</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="60"/>
        <source>do this</source>
        <translation>сделать это</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="77"/>
        <source>There is no call to %1</source>
        <translation>Нет звонка, чтобы %1</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="80"/>
        <source>Several calls could be meant: choose the call first</source>
        <translation>Звонков несколько: сначала выберите звонок</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="83"/>
        <source>That call is no longer on the desk</source>
        <translation>Этого звонка уже нет</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="87"/>
        <source>Cannot %1: the call is %2</source>
        <translation>Нельзя %1: состояние звонка — «%2»</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="91"/>
        <source>Cannot %1 yet: waiting for the phone</source>
        <translation>Пока нельзя %1: ждём ответа телефона</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="94"/>
        <source>Cannot %1: the call has ended</source>
        <translation>Нельзя %1: звонок завершён</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="97"/>
        <source>Cannot %1: the call&apos;s result is already saved</source>
        <translation>Нельзя %1: результат звонка уже сохранён</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="100"/>
        <source>The call has not ended yet</source>
        <translation>Звонок ещё не завершён</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="101"/>
        <source>A call can only be rejected as busy or declined</source>
        <translation>Звонок можно отклонить только как «занято» или «отказ»</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="104"/>
        <source>A ringing call is rejected, not hung up</source>
        <translation>Входящий вызов отклоняют, а не завершают</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="107"/>
        <source>Hanging up already: waiting for the phone</source>
        <translation>Звонок уже завершается: ждём ответа телефона</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="110"/>
        <source>Keypad digits are 0-9, *, # and A-D (up to 32)</source>
        <translation>Можно набрать цифры 0-9, *, # и A-D (до 32 знаков)</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="113"/>
        <source>Enter the number or address to transfer to</source>
        <translation>Введите номер или адрес для перевода</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="116"/>
        <source>There is no consultation call to complete the transfer with</source>
        <translation>Нет консультационного звонка, чтобы завершить перевод</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="119"/>
        <source>Only a connected call can be transferred</source>
        <translation>Перевести можно только звонок, на котором идёт разговор</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="122"/>
        <source>A consultation call cannot itself be transferred</source>
        <translation>Консультационный звонок нельзя перевести</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="125"/>
        <source>A transfer to %1 is already under way</source>
        <translation>Перевод на %1 уже выполняется</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="128"/>
        <source>The consulted party has not answered yet</source>
        <translation>Консультант ещё не ответил</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="131"/>
        <source>The script&apos;s answers could not be saved: the script is unknown</source>
        <translation>Ответы скрипта не сохранены: скрипт неизвестен</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="134"/>
        <source>The phone reported something that does not fit the call: see the log</source>
        <translation>Телефон сообщил о событии, которое не сходится со звонком: см. журнал</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="137"/>
        <source>This call is already on the desk</source>
        <translation>Этот звонок уже открыт</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="138"/>
        <source>Cancel the outgoing call being dialled before answering another</source>
        <translation>Сначала отмените исходящий звонок, затем отвечайте на другой</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="141"/>
        <source>The microphone can be turned off during a conversation only</source>
        <translation>Микрофон выключается только во время разговора</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="144"/>
        <source>The microphone is already off</source>
        <translation>Микрофон уже выключен</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="145"/>
        <source>The microphone is already on</source>
        <translation>Микрофон уже включён</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="146"/>
        <source>Enter a number to dial</source>
        <translation>Введите номер для набора</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="147"/>
        <source>An outgoing call is already being dialled</source>
        <translation>Исходящий звонок уже набирается</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="150"/>
        <source>Only a call in after-call work can be reopened</source>
        <translation>Открыть снова можно только звонок в обработке</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="153"/>
        <source>The call result is not complete: check the form</source>
        <translation>Результат звонка заполнен не полностью: проверьте форму</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="156"/>
        <source>This result is not offered for this call</source>
        <translation>Этот результат недоступен для этого звонка</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="159"/>
        <source>After-call work lasts until its timer ends</source>
        <translation>Обработка длится до конца отсчёта</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="162"/>
        <source>Choose a call result to finish after-call work</source>
        <translation>Выберите результат звонка, чтобы завершить обработку</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="165"/>
        <source>This call is not being recorded</source>
        <translation>Этот разговор не записывается</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="168"/>
        <source>The phone could not do it: try again</source>
        <translation>Телефон не смог это выполнить: попробуйте ещё раз</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="171"/>
        <source>The call result could not be saved on this computer: it stays in the form. See the banner above, then finish again</source>
        <translation>Результат звонка не удалось сохранить на этом компьютере: он остаётся в форме. Прочитайте сообщение вверху окна и завершите ещё раз</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="176"/>
        <source>%1 follows from the phone and is never chosen</source>
        <translation>Статус «%1» ставится телефоном, его нельзя выбрать</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="179"/>
        <source>Choose a reason from the list for a not-ready status</source>
        <translation>Для статуса «Не готов» выберите причину из списка</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="182"/>
        <source>This reason is not in the list any more</source>
        <translation>Этой причины больше нет в списке</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="185"/>
        <source>This reason is no longer used</source>
        <translation>Эта причина больше не используется</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="186"/>
        <source>This reason is set by the system, never chosen</source>
        <translation>Эта причина ставится системой, её не выбирают</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="189"/>
        <source>%1 needs your team lead&apos;s approval: ask for it</source>
        <translation>«%1» требует одобрения руководителя: запросите его</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="192"/>
        <source>The shift has already started</source>
        <translation>Смена уже начата</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="193"/>
        <source>Cannot %1: the shift has not started</source>
        <translation>Нельзя %1: смена не начата</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="196"/>
        <source>Use End of shift to go offline</source>
        <translation>Чтобы уйти из сети, выберите «Конец смены»</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="197"/>
        <source>The status is already %1</source>
        <translation>Статус уже «%1»</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="200"/>
        <source>Not on a call: set the status directly</source>
        <translation>Звонка нет: выберите статус сразу</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="203"/>
        <source>Your team lead has set %1 for after this call</source>
        <translation>Руководитель уже назначил «%1» после этого звонка</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="206"/>
        <source>Cannot %1 during a call or after-call work: choose it as the next status</source>
        <translation>Нельзя %1 во время звонка или обработки: выберите это как следующий статус</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="209"/>
        <source>Take a task first (Next task), then call the client</source>
        <translation>Сначала возьмите задачу («Следующая задача»), затем звоните клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="212"/>
        <source>A call is on the desk: call the task&apos;s client when it is over</source>
        <translation>Идёт звонок: позвоните клиенту по задаче, когда он закончится</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="215"/>
        <source>The task&apos;s call was answered: choose its result in the form</source>
        <translation>На звонок по задаче ответили: выберите результат в форме</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="236"/>
        <source>The session has expired: log in again</source>
        <translation>Сеанс истёк: войдите снова</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="238"/>
        <source>Someone else changed this record meanwhile</source>
        <translation>Запись тем временем изменил кто-то другой</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="240"/>
        <source>This clashes with another record on the server</source>
        <translation>Это противоречит другой записи на сервере</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="242"/>
        <source>The server is not reachable now: it will be tried again</source>
        <translation>Сервер сейчас недоступен: попробуем ещё раз</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="246"/>
        <source>Not allowed for your role</source>
        <translation>Недоступно для вашей роли</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="248"/>
        <source>Not found on the server</source>
        <translation>Не найдено на сервере</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="250"/>
        <source>The server refused it</source>
        <translation>Сервер отклонил запрос</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="252"/>
        <source>The server could not do it</source>
        <translation>Сервер не смог выполнить запрос</translation>
    </message>
    <message>
        <location filename="../../ui/refusals.py" line="270"/>
        <source>Something went wrong (%1)</source>
        <translation>Что-то пошло не так (%1)</translation>
    </message>
</context>
<context>
    <name>Refused</name>
    <message>
        <location filename="../../ui/refused_notice.py" line="42"/>
        <source>the server found it invalid</source>
        <translation>сервер счёл его неверным</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="43"/>
        <source>the server does not allow it</source>
        <translation>сервер этого не разрешает</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="44"/>
        <source>someone else changed the same data meanwhile</source>
        <translation>кто-то другой тем временем изменил те же данные</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="47"/>
        <source>it is too large for the server</source>
        <translation>запись слишком велика для сервера</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="48"/>
        <source>the server failed on it again and again</source>
        <translation>сервер раз за разом выдавал на ней ошибку</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="51"/>
        <source>the server refused it</source>
        <translation>сервер её отклонил</translation>
    </message>
</context>
<context>
    <name>RefusedDialog</name>
    <message>
        <location filename="../../ui/refused_notice.py" line="138"/>
        <source>Records not accepted by the server</source>
        <translation>Записи, не принятые сервером</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="141"/>
        <source>These records are kept on this computer but the server did not accept them. Tell your team lead or support what the server said; once it is fixed, choose them and press Send again.</source>
        <translation>Эти записи сохранены на этом компьютере, но сервер их не принял. Сообщите руководителю группы или в поддержку, что ответил сервер; когда причину устранят, выберите записи и нажмите «Отправить снова».</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="146"/>
        <source>Send again</source>
        <translation>Отправить снова</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="147"/>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="160"/>
        <source>Call result</source>
        <translation>Результат звонка</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="163"/>
        <source>Status change</source>
        <translation>Смена статуса</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="168"/>
        <source>Contact edit</source>
        <translation>Изменение контакта</translation>
    </message>
    <message>
        <location filename="../../ui/refused_notice.py" line="170"/>
        <source>Server: %1</source>
        <translation>Сервер: %1</translation>
    </message>
</context>
<context>
    <name>RefusedNotice</name>
    <message>
        <location filename="../../ui/refused_notice.py" line="83"/>
        <source>Show...</source>
        <translation>Показать...</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/refused_notice.py" line="90"/>
        <source>%n call result(s) not accepted by the server</source>
        <translation>
            <numerusform>%n результат звонка не принят сервером</numerusform>
            <numerusform>%n результата звонков не приняты сервером</numerusform>
            <numerusform>%n результатов звонков не принято сервером</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/refused_notice.py" line="92"/>
        <source>%n record(s) not accepted by the server</source>
        <translation>
            <numerusform>%n запись не принята сервером</numerusform>
            <numerusform>%n записи не приняты сервером</numerusform>
            <numerusform>%n записей не принято сервером</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportFigures</name>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="38"/>
        <source>Offered</source>
        <translation>Поступило</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="39"/>
        <source>Accepted</source>
        <translation>Принято</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="43"/>
        <source>Non-target</source>
        <translation>Нецелевые</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="44"/>
        <source>Missed</source>
        <translation>Пропущено</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="45"/>
        <source>Called back</source>
        <translation>Перезвонили</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="46"/>
        <source>Called back, %</source>
        <translation>Перезвонили, %</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="47"/>
        <source>Callback in</source>
        <translation>Перезвон через</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="48"/>
        <source>Handled</source>
        <translation>Обработано</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="49"/>
        <source>Not answered</source>
        <translation>Не отвечено</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="50"/>
        <source>Successful</source>
        <translation>Успешные</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="51"/>
        <source>Judged non-target</source>
        <translation>Признаны нецелевыми</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="52"/>
        <source>Talk</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="53"/>
        <source>Hold</source>
        <translation>Удержание</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="54"/>
        <source>ACW</source>
        <translation>Постобработка</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="55"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="56"/>
        <source>ACW share</source>
        <translation>Доля постобработки</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="57"/>
        <source>Conversion</source>
        <translation>Конверсия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="58"/>
        <source>Quality</source>
        <translation>Качество</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="40"/>
        <source>Answered in time</source>
        <translation>Принято вовремя</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="41"/>
        <source>Service level</source>
        <translation>Уровень сервиса</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="42"/>
        <source>Speed of answer</source>
        <translation>Скорость ответа</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="101"/>
        <location filename="../../ui/team/reports/figures.py" line="121"/>
        <source>Whole period</source>
        <translation>Весь период</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="105"/>
        <source>Week of %1</source>
        <translation>Неделя с %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="116"/>
        <source>15 minutes</source>
        <translation>15 минут</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="117"/>
        <source>Hour</source>
        <translation>Час</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="118"/>
        <source>Day</source>
        <translation>День</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="119"/>
        <source>Week</source>
        <translation>Неделя</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="120"/>
        <source>Month</source>
        <translation>Месяц</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="127"/>
        <source>Nothing</source>
        <translation>Без группировки</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="128"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="129"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="130"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="131"/>
        <source>Advertising line</source>
        <translation>Рекламная линия</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="132"/>
        <source>Disposition</source>
        <translation>Результат звонка</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="133"/>
        <source>Request type</source>
        <translation>Тип обращения</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/figures.py" line="143"/>
        <source>(none)</source>
        <translation>(нет)</translation>
    </message>
</context>
<context>
    <name>ReportsLauncher</name>
    <message>
        <location filename="../../ui/team/reports/launcher.py" line="57"/>
        <source>&amp;Reports...</source>
        <translation>&amp;Отчёты...</translation>
    </message>
</context>
<context>
    <name>ReportsWindow</name>
    <message>
        <location filename="../../ui/team/reports/tables.py" line="68"/>
        <source>Interval</source>
        <translation>Интервал</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/tables.py" line="82"/>
        <source>Total</source>
        <translation>Итого</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/tables.py" line="115"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/tables.py" line="116"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/tables.py" line="138"/>
        <source>Team median (%1 operators)</source>
        <translation>Медиана команды (операторов: %1)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="246"/>
        <source>Save report</source>
        <translation>Сохранить отчёт</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="266"/>
        <source>Could not save the file: %1</source>
        <translation>Не удалось сохранить файл: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="281"/>
        <source>Failed: %1</source>
        <translation>Не выполнено: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="288"/>
        <source>Loading...</source>
        <translation>Загрузка...</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="289"/>
        <source>Saving...</source>
        <translation>Сохранение...</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="290"/>
        <source>Saved to %1</source>
        <translation>Сохранено в %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="295"/>
        <source>Reports</source>
        <translation>Отчёты</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="296"/>
        <source>&amp;From:</source>
        <translation>&amp;С:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="297"/>
        <source>&amp;To:</source>
        <translation>&amp;По:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="298"/>
        <source>&amp;Interval:</source>
        <translation>&amp;Интервал:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="299"/>
        <source>&amp;Group by:</source>
        <translation>&amp;Группировать по:</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="300"/>
        <source>&amp;Show</source>
        <translation>Пок&amp;азать</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="301"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="302"/>
        <source>Operators</source>
        <translation>Операторы</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="303"/>
        <source>Charts</source>
        <translation>Графики</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="305"/>
        <source>Export CSV (UTF-8)</source>
        <translation>Экспорт CSV (UTF-8)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="306"/>
        <source>Export CSV (Excel, Windows-1251)</source>
        <translation>Экспорт CSV (Excel, Windows-1251)</translation>
    </message>
    <message>
        <location filename="../../ui/team/reports/window.py" line="307"/>
        <source>Export XLSX</source>
        <translation>Экспорт XLSX</translation>
    </message>
</context>
<context>
    <name>RingingPanel</name>
    <message>
        <location filename="../../ui/ringing_panel.py" line="106"/>
        <source>Queue: %1</source>
        <translation>Очередь: %1</translation>
    </message>
    <message>
        <location filename="../../ui/ringing_panel.py" line="110"/>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
</context>
<context>
    <name>ScoreForm</name>
    <message>
        <location filename="../../ui/team/score_form.py" line="116"/>
        <source>weight %1</source>
        <translation>вес %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="118"/>
        <source>critical</source>
        <translation>критический</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="123"/>
        <location filename="../../ui/team/score_form.py" line="178"/>
        <source>–</source>
        <translation>–</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="125"/>
        <location filename="../../ui/team/score_form.py" line="180"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="126"/>
        <location filename="../../ui/team/score_form.py" line="181"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="157"/>
        <source>Choose a recorded call to score it</source>
        <translation>Выберите записанный звонок, чтобы оценить его</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="159"/>
        <source>Total: %1 (a critical question failed)</source>
        <translation>Итого: %1 (провален критический вопрос)</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="160"/>
        <source>Total: %1</source>
        <translation>Итого: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="163"/>
        <source>Comment for the operator:</source>
        <translation>Комментарий для оператора:</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="164"/>
        <source>Save score</source>
        <translation>Сохранить оценку</translation>
    </message>
    <message>
        <location filename="../../ui/team/score_form.py" line="170"/>
        <source>Scored by %1</source>
        <translation>Оценил(а): %1</translation>
    </message>
</context>
<context>
    <name>ScoringLauncher</name>
    <message>
        <location filename="../../ui/team/scoring_launcher.py" line="55"/>
        <source>Recorded calls...</source>
        <translation>Записанные звонки...</translation>
    </message>
</context>
<context>
    <name>ScoringWindow</name>
    <message>
        <location filename="../../ui/team/scoring.py" line="49"/>
        <source>%1 (critical)</source>
        <translation>%1 (критический)</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="150"/>
        <source>No recorded calls of this operator</source>
        <translation>У этого оператора нет записанных звонков</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="152"/>
        <source>No evaluation form is defined yet: an administrator adds one</source>
        <translation>Форма оценки ещё не создана: её добавляет администратор</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="209"/>
        <source>Answer every question first</source>
        <translation>Сначала ответьте на все вопросы</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="213"/>
        <source>Saved: %1</source>
        <translation>Сохранено: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="226"/>
        <source>Refused: %1</source>
        <translation>Отказано: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="247"/>
        <source>Recorded calls: %1</source>
        <translation>Записанные звонки: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="248"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="248"/>
        <source>Length</source>
        <translation>Длительность</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="248"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="248"/>
        <source>Score</source>
        <translation>Оценка</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="249"/>
        <source>Refresh</source>
        <translation>Обновить</translation>
    </message>
    <message>
        <location filename="../../ui/team/scoring.py" line="250"/>
        <source>&amp;Form:</source>
        <translation>&amp;Форма:</translation>
    </message>
</context>
<context>
    <name>Script</name>
    <message>
        <location filename="../../ui/script_host.py" line="136"/>
        <source>No script is set for this queue and segment.</source>
        <translation>Для этой очереди и сегмента скрипт не задан.</translation>
    </message>
    <message>
        <location filename="../../ui/script_host.py" line="143"/>
        <source>The script cannot be shown: %1</source>
        <translation>Скрипт нельзя показать: %1</translation>
    </message>
</context>
<context>
    <name>ScriptPanel</name>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="90"/>
        <source>Back (Alt+Left)</source>
        <translation>Назад (Alt+←)</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="91"/>
        <source>Next (Enter)</source>
        <translation>Далее (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="92"/>
        <source>Return to the previous step</source>
        <translation>Вернуться к предыдущему шагу</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="141"/>
        <source>This step cannot continue: {0}</source>
        <translation>Этот шаг не может продолжиться: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="144"/>
        <source>This script step is too expensive to show. Tell the script&apos;s author; you can go on.</source>
        <translation>Этот шаг скрипта слишком ресурсоёмкий, чтобы его показать. Сообщите автору скрипта; можно продолжать.</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="151"/>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="152"/>
        <source>End of script. Suggested disposition: {0}</source>
        <translation>Конец скрипта. Предлагаемый результат: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="64"/>
        <source>DD.MM.YYYY</source>
        <translation>ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="65"/>
        <source>+7 912 345-67-89</source>
        <translation>+7 912 345-67-89</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="66"/>
        <source>name@example.ru</source>
        <translation>name@example.ru</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="133"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="134"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="20"/>
        <source>Required</source>
        <translation>Обязательное поле</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="21"/>
        <source>Enter text</source>
        <translation>Введите текст</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="22"/>
        <source>At least {min} characters</source>
        <translation>Не меньше {min} символов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="23"/>
        <source>At most {max} characters</source>
        <translation>Не больше {max} символов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="24"/>
        <source>Enter a number</source>
        <translation>Введите число</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="25"/>
        <source>Enter a whole number</source>
        <translation>Введите целое число</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="26"/>
        <source>At least {min}</source>
        <translation>Не меньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="27"/>
        <source>At most {max}</source>
        <translation>Не больше {max}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="28"/>
        <source>Enter a date as DD.MM.YYYY</source>
        <translation>Введите дату в виде ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="29"/>
        <source>Not before {min}</source>
        <translation>Не раньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="30"/>
        <source>Not after {max}</source>
        <translation>Не позже {max}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="31"/>
        <source>Not a valid phone number</source>
        <translation>Неверный номер телефона</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="32"/>
        <source>Not an e-mail address</source>
        <translation>Это не адрес e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="33"/>
        <source>Choose yes or no</source>
        <translation>Выберите «да» или «нет»</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="34"/>
        <source>Choose one of the options</source>
        <translation>Выберите один из вариантов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="35"/>
        <source>Choose at least {min}</source>
        <translation>Выберите не меньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="36"/>
        <source>Choose at most {max}</source>
        <translation>Выберите не больше {max}</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../ui/settings_flow.py" line="146"/>
        <source>set by your IT department&apos;s policy (%1)</source>
        <translation>задано политикой вашего ИТ-отдела (%1)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="182"/>
        <location filename="../../ui/settings_dialog.py" line="300"/>
        <source>System default</source>
        <translation>Системное по умолчанию</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="245"/>
        <source>%1 is set for both “%2” and “%3”: choose another key for one of them.</source>
        <translation>Клавиша %1 назначена и для «%2», и для «%3»: выберите для одного из них другую.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="270"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="272"/>
        <source>Account</source>
        <translation>Учётная запись</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="272"/>
        <source>Audio</source>
        <translation>Звук</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="272"/>
        <source>Hotkeys</source>
        <translation>Горячие клавиши</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="272"/>
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="276"/>
        <source>SIP user</source>
        <translation>Пользователь SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="277"/>
        <source>SIP domain</source>
        <translation>Домен SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="278"/>
        <source>SIP password</source>
        <translation>Пароль SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="279"/>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="280"/>
        <source>Microphone</source>
        <translation>Микрофон</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="281"/>
        <source>Headset</source>
        <translation>Гарнитура</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="282"/>
        <source>Ringer</source>
        <translation>Звонок (рингер)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="283"/>
        <source>Headset buttons</source>
        <translation>Кнопки гарнитуры</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="284"/>
        <source>If the headset is unplugged</source>
        <translation>Если гарнитура отключена</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="285"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="286"/>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="287"/>
        <source>Start minimised to the tray</source>
        <translation>Запускать свёрнутым в трей</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="291"/>
        <location filename="../../ui/settings_dialog.py" line="292"/>
        <source>Test tone</source>
        <translation>Проверить звук</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="293"/>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="294"/>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="307"/>
        <source>Keep the call silent until it is plugged back in</source>
        <translation>Оставить звонок без звука, пока её не подключат снова</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="309"/>
        <source>Play the call on the computer&apos;s default speakers and microphone</source>
        <translation>Звук звонка — на динамики и микрофон компьютера по умолчанию</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="315"/>
        <source>Automatic: the headset named like the sound device</source>
        <translation>Автоматически: гарнитура с тем же названием, что и звуковое устройство</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="317"/>
        <source>Ignored, no call buttons (no USB telephony controls): %1</source>
        <translation>Не используются, нет кнопок вызова (нет USB-управления телефонией): %1</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="339"/>
        <source>Locked: %1</source>
        <translation>Заблокировано: %1</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/status_menu.py" line="107"/>
        <source>After this call</source>
        <translation>После этого звонка</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="122"/>
        <source>End of shift</source>
        <translation>Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="134"/>
        <source>No next status</source>
        <translation>Без следующего статуса</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <location filename="../../ui/status_bar.py" line="92"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="93"/>
        <source>Not logged in</source>
        <translation>Вход не выполнен</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="97"/>
        <source>Next: %1</source>
        <translation>Далее: %1</translation>
    </message>
    <message>
        <location filename="../../ui/status_bar.py" line="99"/>
        <source>Phone not registered: no calls</source>
        <translation>Телефон не зарегистрирован: звонков не будет</translation>
    </message>
</context>
<context>
    <name>StoreBanner</name>
    <message numerus="yes">
        <location filename="../../ui/store_banner.py" line="70"/>
        <source>Saved: the %n record(s) kept in memory are now written on this computer.</source>
        <translation>
            <numerusform>Сохранено: %n запись из памяти записана на этот компьютер.</numerusform>
            <numerusform>Сохранено: %n записи из памяти записаны на этот компьютер.</numerusform>
            <numerusform>Сохранено: %n записей из памяти записаны на этот компьютер.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/store_banner.py" line="82"/>
        <source>The disk is full: your work is kept in memory only. Free disk space at %1 and it is saved at once. Do not quit ringdesk until it says saved.</source>
        <translation>Диск заполнен: ваша работа хранится только в памяти. Освободите место на диске в %1, и она сразу сохранится. Не закрывайте ringdesk, пока не появится «Сохранено».</translation>
    </message>
    <message>
        <location filename="../../ui/store_banner.py" line="87"/>
        <source>Your work cannot be written to %1 (read-only): it is kept in memory only. Ask IT to make the folder writable. Do not quit ringdesk until it says saved.</source>
        <translation>Вашу работу нельзя записать в %1 (только чтение): она хранится только в памяти. Попросите ИТ-службу разрешить запись в папку. Не закрывайте ringdesk, пока не появится «Сохранено».</translation>
    </message>
    <message>
        <location filename="../../ui/store_banner.py" line="92"/>
        <source>The local database in %1 is damaged: your work is kept in memory only. Call IT. Do not quit ringdesk until it says saved.</source>
        <translation>Локальная база в %1 повреждена: ваша работа хранится только в памяти. Позвоните в ИТ-службу. Не закрывайте ringdesk, пока не появится «Сохранено».</translation>
    </message>
    <message>
        <location filename="../../ui/store_banner.py" line="96"/>
        <source>Your work cannot be written to %1 just now: it is kept in memory and saved as soon as the disk answers. Do not quit ringdesk until it says saved.</source>
        <translation>Сейчас вашу работу нельзя записать в %1: она хранится в памяти и сохранится, как только диск ответит. Не закрывайте ringdesk, пока не появится «Сохранено».</translation>
    </message>
</context>
<context>
    <name>StoreDialogs</name>
    <message>
        <location filename="../../ui/store_dialogs.py" line="22"/>
        <source>ringdesk cannot write its local database %1: the file, its folder or the disk is read-only. Ask IT to make it writable, then start ringdesk again.</source>
        <translation>ringdesk не может записывать в свою локальную базу %1: файл, его папка или диск доступны только для чтения. Попросите ИТ-службу разрешить запись и запустите ringdesk снова.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="28"/>
        <source>The disk is full: ringdesk cannot write its local database %1. Free disk space, then start ringdesk again.</source>
        <translation>Диск заполнен: ringdesk не может записывать в свою локальную базу %1. Освободите место на диске и запустите ringdesk снова.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="34"/>
        <source>ringdesk cannot open its local database %1 (%2). Call IT and give them this file.</source>
        <translation>ringdesk не может открыть свою локальную базу %1 (%2). Позвоните в ИТ-службу и передайте им этот файл.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="45"/>
        <source>The local database %1 was damaged. It was moved aside, unchanged, to %2, and a new one was made. %n record(s) waiting to be sent were recovered from it and will be sent.</source>
        <translation>Локальная база %1 была повреждена. Она перенесена без изменений в %2, создана новая. Восстановлено и будет отправлено записей, ожидавших отправки: %n.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="51"/>
        <source>%n record(s) could not be read: they may still be in the file moved aside; give it to IT.</source>
        <translation>Не удалось прочитать записей: %n. Они могут оставаться в перенесённом файле; передайте его в ИТ-службу.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="56"/>
        <source>The local database %1 was emptied or replaced while ringdesk was not running: %n record(s) waiting to be sent are missing from this computer. Tell your team lead and IT: the server keeps only what it had received.</source>
        <translation>Локальная база %1 была очищена или заменена, пока ringdesk не работал: на этом компьютере пропали записи, ожидавшие отправки (%n). Сообщите руководителю группы и ИТ-службе: на сервере есть только то, что он успел получить.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="63"/>
        <source>The file found was kept as %2.</source>
        <translation>Найденный файл сохранён как %2.</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="72"/>
        <source>ringdesk cannot start</source>
        <translation>ringdesk не может запуститься</translation>
    </message>
    <message>
        <location filename="../../ui/store_dialogs.py" line="94"/>
        <source>The local database was repaired</source>
        <translation>Локальная база восстановлена</translation>
    </message>
</context>
<context>
    <name>SuperviseBar</name>
    <message>
        <location filename="../../ui/team/supervise.py" line="95"/>
        <source>Listening to %1</source>
        <translation>Прослушивание: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="96"/>
        <source>Whispering to %1</source>
        <translation>Подсказка оператору %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="97"/>
        <source>In the call of %1</source>
        <translation>В разговоре оператора %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="100"/>
        <source>Calling %1&apos;s phone...</source>
        <translation>Вызов телефона оператора %1...</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="102"/>
        <source>Refused by the operator&apos;s phone</source>
        <translation>Телефон оператора отказал</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="108"/>
        <source>Listen</source>
        <translation>Слушать</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="109"/>
        <source>Whisper</source>
        <translation>Подсказывать</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="110"/>
        <source>Barge</source>
        <translation>Вмешаться</translation>
    </message>
    <message>
        <location filename="../../ui/team/supervise.py" line="111"/>
        <source>Stop supervising</source>
        <translation>Завершить контроль</translation>
    </message>
</context>
<context>
    <name>SupervisedBadge</name>
    <message>
        <location filename="../../ui/live_supervision.py" line="30"/>
        <source>listen</source>
        <translation>прослушивание</translation>
    </message>
    <message>
        <location filename="../../ui/live_supervision.py" line="31"/>
        <source>whisper</source>
        <translation>подсказка</translation>
    </message>
    <message>
        <location filename="../../ui/live_supervision.py" line="32"/>
        <source>barge</source>
        <translation>вмешательство</translation>
    </message>
    <message>
        <location filename="../../ui/live_supervision.py" line="53"/>
        <source>Supervised: %1 (%2)</source>
        <translation>Под контролем: %1 (%2)</translation>
    </message>
</context>
<context>
    <name>Supervision</name>
    <message>
        <location filename="../../ui/supervision.py" line="103"/>
        <source>&amp;Team board</source>
        <translation>&amp;Панель группы</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="129"/>
        <source>Your team lead set your next status: %1</source>
        <translation>Руководитель группы назначил следующий статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="134"/>
        <source>Break approved</source>
        <translation>Перерыв одобрен</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="136"/>
        <source>Break refused by %1</source>
        <translation>Перерыв отклонён: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="152"/>
        <source>Your team lead set your status: %1</source>
        <translation>Руководитель группы установил ваш статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="174"/>
        <source>The server had lost this desk and set you not ready: your status was sent again</source>
        <translation>Сервер потерял связь с этим рабочим местом и поставил вам «Не готов»: ваш статус отправлен снова</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="107"/>
        <source>Today: %1 calls · AHT %2 · ACW %3</source>
        <translation>Сегодня: звонков %1 · AHT %2 · ACW %3</translation>
    </message>
</context>
<context>
    <name>SyncBanner</name>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="28"/>
        <source>Log in again: %n record(s) waiting</source>
        <translation>
            <numerusform>Войдите снова: ждёт %n запись</numerusform>
            <numerusform>Войдите снова: ждут %n записи</numerusform>
            <numerusform>Войдите снова: ждут %n записей</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="31"/>
        <source>The server&apos;s certificate is not trusted on this computer: %n record(s) saved here. Tell IT.</source>
        <translation>
            <numerusform>Этот компьютер не доверяет сертификату сервера: %n запись сохранена здесь. Сообщите в ИТ.</numerusform>
            <numerusform>Этот компьютер не доверяет сертификату сервера: %n записи сохранены здесь. Сообщите в ИТ.</numerusform>
            <numerusform>Этот компьютер не доверяет сертификату сервера: %n записей сохранено здесь. Сообщите в ИТ.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="36"/>
        <source>Server unreachable: %n record(s) saved here, waiting to be sent</source>
        <translation>
            <numerusform>Сервер недоступен: %n запись сохранена здесь и ждёт отправки</numerusform>
            <numerusform>Сервер недоступен: %n записи сохранены здесь и ждут отправки</numerusform>
            <numerusform>Сервер недоступен: %n записей сохранено здесь и ждут отправки</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskList</name>
    <message>
        <location filename="../../ui/tasks/panel.py" line="85"/>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="85"/>
        <source>Number</source>
        <translation>Номер</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="85"/>
        <source>Why</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="85"/>
        <source>Due</source>
        <translation>Срок</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="85"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
</context>
<context>
    <name>Tasks</name>
    <message>
        <location filename="../../ui/tasks/hook.py" line="197"/>
        <location filename="../../ui/tasks/hook.py" line="212"/>
        <source>Missed calls not called back yet</source>
        <translation>Пропущенные звонки, которым ещё не перезвонили</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/hook.py" line="199"/>
        <source>Callback due: %1</source>
        <translation>Пора перезвонить: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/hook.py" line="202"/>
        <source>Callback due</source>
        <translation>Пора перезвонить</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/hook.py" line="210"/>
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="22"/>
        <source>Open</source>
        <translation>Открыта</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="23"/>
        <source>In progress</source>
        <translation>В работе</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="24"/>
        <source>Done</source>
        <translation>Выполнена</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="25"/>
        <source>Not reached</source>
        <translation>Не дозвонились</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="26"/>
        <source>Sent by e-mail/SMS</source>
        <translation>Отправлено по почте/SMS</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="27"/>
        <source>Cancelled</source>
        <translation>Отменена</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="28"/>
        <source>Expired</source>
        <translation>Просрочена</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="34"/>
        <source>Missed call</source>
        <translation>Пропущенный звонок</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="35"/>
        <source>Callback</source>
        <translation>Перезвон</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="36"/>
        <source>Web request</source>
        <translation>Заявка с сайта</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="42"/>
        <source>sales</source>
        <translation>продажа</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="43"/>
        <source>service</source>
        <translation>сервис</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="44"/>
        <source>complaint</source>
        <translation>жалоба</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="45"/>
        <source>where to buy</source>
        <translation>где купить</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="46"/>
        <source>discount</source>
        <translation>скидка</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="47"/>
        <source>other</source>
        <translation>другое</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="54"/>
        <source>hung up in the queue</source>
        <translation>положил трубку в очереди</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="55"/>
        <source>nobody answered</source>
        <translation>никто не ответил</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="56"/>
        <source>out of hours</source>
        <translation>в нерабочее время</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="57"/>
        <source>nobody was logged in</source>
        <translation>никого не было на смене</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="58"/>
        <source>no answer</source>
        <translation>нет ответа</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="59"/>
        <source>busy</source>
        <translation>занято</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="60"/>
        <source>voicemail</source>
        <translation>автоответчик</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="61"/>
        <source>wrong number</source>
        <translation>ошибочный номер</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="70"/>
        <source>Missed call: %1</source>
        <translation>Пропущенный звонок: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="72"/>
        <source>done</source>
        <translation>выполнено</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="73"/>
        <source>not reached</source>
        <translation>не дозвонились</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="74"/>
        <source>sent by e-mail/SMS</source>
        <translation>отправлено по почте/SMS</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="78"/>
        <source>Call: %1</source>
        <translation>Звонок: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="83"/>
        <source>No task to do now</source>
        <translation>Сейчас задач нет</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="84"/>
        <source>Another operator has this task now</source>
        <translation>Эту задачу уже взял другой оператор</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="85"/>
        <source>Task result saved</source>
        <translation>Результат задачи сохранён</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="86"/>
        <source>The last task&apos;s result is still on its way to the server: try again in a moment</source>
        <translation>Результат прошлой задачи ещё отправляется на сервер: попробуйте чуть позже</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/words.py" line="89"/>
        <source>Task given back to the queue</source>
        <translation>Задача возвращена в очередь</translation>
    </message>
</context>
<context>
    <name>TasksPanel</name>
    <message>
        <location filename="../../ui/tasks/panel.py" line="201"/>
        <source>Missed calls: %1</source>
        <translation>Пропущенные: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="205"/>
        <source>My due tasks (%1)</source>
        <translation>Мои задачи на сейчас (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="206"/>
        <source>Team queue (%1)</source>
        <translation>Очередь команды (%1)</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="217"/>
        <source>Unknown client</source>
        <translation>Неизвестный клиент</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="219"/>
        <source>Due: %1</source>
        <translation>Срок: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="221"/>
        <source>Attempts so far: %1</source>
        <translation>Попыток: %1</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="229"/>
        <source>A call came in: the task waits until it is over</source>
        <translation>Поступил звонок: задача подождёт, пока он не закончится</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="231"/>
        <source>Read the task, then call the client</source>
        <translation>Прочитайте задачу, затем позвоните клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="233"/>
        <source>Calling the client</source>
        <translation>Звоним клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="235"/>
        <source>The client was not reached (%1): press Not reached</source>
        <translation>Не дозвонились (%1): нажмите «Не дозвонились»</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="238"/>
        <source>Finish the call: its result closes the task</source>
        <translation>Завершите звонок: его результат закроет задачу</translation>
    </message>
    <message>
        <location filename="../../ui/tasks/panel.py" line="241"/>
        <source>Tasks</source>
        <translation>Задачи</translation>
    </message>
</context>
<context>
    <name>TeamModel</name>
    <message>
        <location filename="../../ui/team/model.py" line="50"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="51"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="52"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="53"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="54"/>
        <source>In status</source>
        <translation>В статусе</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="55"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="56"/>
        <source>Handled today</source>
        <translation>Обработано сегодня</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="57"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="58"/>
        <source>Avg ACW</source>
        <translation>Ср. поствызов</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="59"/>
        <source>Quality</source>
        <translation>Качество</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="60"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="70"/>
        <source>Forced: %1 after the call</source>
        <translation>Назначено: %1 после звонка</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="72"/>
        <source>Approved: %1</source>
        <translation>Одобрено: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="73"/>
        <source>Asks for: %1</source>
        <translation>Просит: %1</translation>
    </message>
</context>
<context>
    <name>TeamWindow</name>
    <message>
        <location filename="../../ui/team/window.py" line="78"/>
        <location filename="../../ui/team/window.py" line="159"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="160"/>
        <source>All teams</source>
        <translation>Все команды</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="180"/>
        <source>Connecting...</source>
        <translation>Подключение...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="162"/>
        <source>Force status...</source>
        <translation>Установить статус...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="163"/>
        <source>Approve break</source>
        <translation>Одобрить перерыв</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="164"/>
        <source>Refuse break</source>
        <translation>Отказать в перерыве</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="165"/>
        <source>History...</source>
        <translation>История...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="161"/>
        <source>Team:</source>
        <translation>Команда:</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="166"/>
        <source>&amp;Board</source>
        <translation>&amp;Монитор</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="167"/>
        <source>&amp;Dashboard</source>
        <translation>&amp;Показатели</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="182"/>
        <source>Live</source>
        <translation>В эфире</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="182"/>
        <source>Reconnecting...</source>
        <translation>Переподключение...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="335"/>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="335"/>
        <source>Refused: %1</source>
        <translation>Отказано: %1</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="73"/>
        <source>Show window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="74"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
<context>
    <name>Wallboard</name>
    <message>
        <location filename="../../ui/team/wallboard.py" line="84"/>
        <source>All queues</source>
        <translation>Все очереди</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="101"/>
        <source>Waiting</source>
        <translation>Ожидают</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="102"/>
        <source>Longest wait</source>
        <translation>Дольше всех ждёт</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="103"/>
        <source>Service level (%1 s)</source>
        <translation>Уровень сервиса (%1 с)</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="105"/>
        <source>Offered</source>
        <translation>Поступило</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="106"/>
        <source>Abandoned</source>
        <translation>Брошено</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="107"/>
        <source>Not called back</source>
        <translation>Не перезвонили</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="108"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="109"/>
        <source>Accepted</source>
        <translation>Принято</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="146"/>
        <source>No calls today yet</source>
        <translation>Сегодня звонков ещё не было</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="196"/>
        <source>Esc leaves the wallboard</source>
        <translation>Esc — выйти из табло</translation>
    </message>
    <message>
        <location filename="../../ui/team/wallboard.py" line="221"/>
        <source>Wallboard</source>
        <translation>Табло</translation>
    </message>
</context>
</TS>
