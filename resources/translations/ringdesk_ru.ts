<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>Actions</name>
    <message>
        <location filename="../../ui/actions.py" line="71"/>
        <source>&amp;Answer</source>
        <translation>&amp;Ответить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="72"/>
        <source>&amp;Reject</source>
        <translation>О&amp;тклонить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="73"/>
        <source>&amp;Hang up</source>
        <translation>&amp;Завершить</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="74"/>
        <source>H&amp;old</source>
        <translation>&amp;Удержание</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="75"/>
        <source>&amp;Mute</source>
        <translation>Вы&amp;кл. микрофон</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="76"/>
        <source>&amp;Transfer...</source>
        <translation>&amp;Перевод...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="77"/>
        <source>&amp;Keypad</source>
        <translation>К&amp;лавиатура</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="78"/>
        <source>&amp;Dial...</source>
        <translation>&amp;Набрать...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="79"/>
        <source>&amp;Ready</source>
        <translation>&amp;Готов</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="80"/>
        <source>&amp;Status...</source>
        <translation>&amp;Статус...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="81"/>
        <source>&amp;Next status...</source>
        <translation>С&amp;ледующий статус...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="83"/>
        <source>&amp;End shift</source>
        <translation>&amp;Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="85"/>
        <source>&amp;Save contact</source>
        <translation>Сохранить &amp;контакт</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="86"/>
        <source>&amp;Finish call</source>
        <translation>&amp;Завершить обработку</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="88"/>
        <source>Disposition %1</source>
        <translation>Результат %1</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="91"/>
        <source>Se&amp;ttings...</source>
        <translation>&amp;Настройки...</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="92"/>
        <source>&amp;Quit</source>
        <translation>В&amp;ыход</translation>
    </message>
</context>
<context>
    <name>CallCard</name>
    <message>
        <location filename="../../ui/card/call_card.py" line="245"/>
        <source>Looking up the caller...</source>
        <translation>Ищем звонящего в CRM...</translation>
    </message>
    <message>
        <location filename="../../ui/card/call_card.py" line="247"/>
        <source>No client card for this call.</source>
        <translation>У этого звонка нет карточки клиента.</translation>
    </message>
    <message>
        <location filename="../../ui/card/call_card.py" line="249"/>
        <source>No call. The caller&apos;s card appears here when the phone rings.</source>
        <translation>Звонка нет. Карточка звонящего появится здесь, когда зазвонит телефон.</translation>
    </message>
</context>
<context>
    <name>CallControls</name>
    <message>
        <location filename="../../ui/call_controls.py" line="180"/>
        <source>Second call waiting: %1</source>
        <translation>Второй звонок ждёт: %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="243"/>
        <source>On hold</source>
        <translation>На удержании</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="245"/>
        <source>Muted</source>
        <translation>Микрофон выключен</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="247"/>
        <source>Consulting %1</source>
        <translation>Консультация с %1</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="250"/>
        <source>Transfer to number or extension</source>
        <translation>Перевести на номер или добавочный</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="251"/>
        <source>Blind transfer</source>
        <translation>Перевести сразу</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="252"/>
        <source>Consult first</source>
        <translation>С консультацией</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="253"/>
        <source>Complete transfer</source>
        <translation>Соединить</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="254"/>
        <source>Back to caller</source>
        <translation>Вернуться к клиенту</translation>
    </message>
    <message>
        <location filename="../../ui/call_controls.py" line="255"/>
        <source>Answer second call</source>
        <translation>Ответить на второй звонок</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <location filename="../../ui/card/editors.py" line="18"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="19"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="20"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="27"/>
        <source>(empty)</source>
        <translation>(пусто)</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="30"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="30"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location filename="../../ui/card/editors.py" line="132"/>
        <source>not recorded</source>
        <translation>не записано</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="62"/>
        <source>unknown caller</source>
        <translation>неизвестный абонент</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="64"/>
        <source>Ringing: %1</source>
        <translation>Звонит: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="65"/>
        <source>Dialling: %1</source>
        <translation>Набор: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="66"/>
        <source>On hold: %1</source>
        <translation>На удержании: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="67"/>
        <location filename="../../ui/card/glance.py" line="68"/>
        <source>After-call work: %1</source>
        <translation>Обработка звонка: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="70"/>
        <source>On the line: %1</source>
        <translation>На линии: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="82"/>
        <source>Queue: %1</source>
        <translation>Очередь: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="85"/>
        <source>Line dialled: %1</source>
        <translation>Набранный номер: %1</translation>
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
        <location filename="../../ui/card/contact_page.py" line="303"/>
        <source>(no name)</source>
        <translation>(без имени)</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="310"/>
        <source>Prefers: %1</source>
        <translation>Предпочитает: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="318"/>
        <source>Calls</source>
        <translation>Звонки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="319"/>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="320"/>
        <location filename="../../ui/card/contact_page.py" line="371"/>
        <source>E-mail</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="321"/>
        <source>Marketing</source>
        <translation>Реклама</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="328"/>
        <source>Consent not recorded</source>
        <translation>Согласие не записано</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="340"/>
        <source>Open callback: %1</source>
        <translation>Назначен перезвон: %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="347"/>
        <source>Client&apos;s time unknown</source>
        <translation>Время клиента неизвестно</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="350"/>
        <source>Client&apos;s time %1</source>
        <translation>У клиента %1</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="352"/>
        <source>good time to call</source>
        <translation>можно звонить</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="352"/>
        <source>outside business hours</source>
        <translation>нерабочее время</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="361"/>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="362"/>
        <source>Phones</source>
        <translation>Телефоны</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="363"/>
        <source>Preferred channel</source>
        <translation>Канал связи</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="364"/>
        <source>Consent: calls</source>
        <translation>Согласие: звонки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="365"/>
        <source>Consent: SMS</source>
        <translation>Согласие: SMS</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="366"/>
        <source>Consent: e-mail</source>
        <translation>Согласие: e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="367"/>
        <source>Consent: marketing</source>
        <translation>Согласие: реклама</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="368"/>
        <source>Segment</source>
        <translation>Сегмент</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="369"/>
        <source>City</source>
        <translation>Город</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="370"/>
        <source>Time zone</source>
        <translation>Часовой пояс</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="372"/>
        <source>Birthday</source>
        <translation>Дата рождения</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="383"/>
        <source>Save (Ctrl+S)</source>
        <translation>Сохранить (Ctrl+S)</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="384"/>
        <source>Revert</source>
        <translation>Отменить правки</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="385"/>
        <source>Client &amp;details</source>
        <translation>&amp;Данные клиента</translation>
    </message>
    <message>
        <location filename="../../ui/card/contact_page.py" line="386"/>
        <source>Last calls</source>
        <translation>Последние звонки</translation>
    </message>
</context>
<context>
    <name>Desk</name>
    <message>
        <location filename="../../ui/desk.py" line="175"/>
        <source>Break requested: waiting for your team lead</source>
        <translation>Перерыв запрошен: ждём решения руководителя группы</translation>
    </message>
    <message>
        <location filename="../../ui/desk.py" line="190"/>
        <source>Call result saved</source>
        <translation>Результат звонка сохранён</translation>
    </message>
    <message>
        <location filename="../../ui/card/binding.py" line="111"/>
        <source>The changes to %1 were not saved</source>
        <translation>Правки карточки %1 не сохранены</translation>
    </message>
    <message>
        <location filename="../../ui/card/binding.py" line="124"/>
        <source>Could not look up the caller: %1</source>
        <translation>Не удалось найти звонящего: %1</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <location filename="../../ui/main.py" line="180"/>
        <source>Reopened the unfinished after-call work of %n call(s)</source>
        <translation>Открыта незавершённая обработка звонков: %n</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="256"/>
        <source>Wrong login or password</source>
        <translation>Неверный логин или пароль</translation>
    </message>
    <message>
        <location filename="../../ui/main.py" line="259"/>
        <source>The server does not answer: %1</source>
        <translation>Сервер не отвечает: %1</translation>
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
        <location filename="../../ui/disposition_form.py" line="200"/>
        <source>Choose a result (keys 1-9)</source>
        <translation>Выберите результат (клавиши 1-9)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="203"/>
        <source>This result needs a comment</source>
        <translation>Для этого результата нужен комментарий</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="205"/>
        <source>The callback time must be in the future</source>
        <translation>Время перезвона должно быть в будущем</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="269"/>
        <source>Comment (required)</source>
        <translation>Комментарий (обязательно)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="269"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="314"/>
        <source>Call result</source>
        <translation>Результат звонка</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="315"/>
        <source>Skip</source>
        <translation>Пропустить</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="318"/>
        <source>Call back at (client&apos;s time, %1)</source>
        <translation>Перезвонить (время клиента, %1)</translation>
    </message>
    <message>
        <location filename="../../ui/disposition_form.py" line="320"/>
        <source>Call back at</source>
        <translation>Перезвонить</translation>
    </message>
</context>
<context>
    <name>ForceDialog</name>
    <message>
        <location filename="../../ui/team/dialogs.py" line="26"/>
        <source>Force a status: %1</source>
        <translation>Установить статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="32"/>
        <source>End of shift</source>
        <translation>Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="34"/>
        <source>New status</source>
        <translation>Новый статус</translation>
    </message>
</context>
<context>
    <name>HistoryDialog</name>
    <message>
        <location filename="../../ui/team/dialogs.py" line="54"/>
        <source>Status history: %1</source>
        <translation>История статусов: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="57"/>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="57"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="57"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="57"/>
        <source>By</source>
        <translation>Кем</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="78"/>
        <source>system</source>
        <translation>система</translation>
    </message>
    <message>
        <location filename="../../ui/team/dialogs.py" line="78"/>
        <source>operator</source>
        <translation>оператор</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location filename="../../ui/card/history_view.py" line="41"/>
        <source>no result</source>
        <translation>без результата</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="61"/>
        <source>No earlier calls</source>
        <translation>Раньше не звонил</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="78"/>
        <source>When</source>
        <translation>Когда</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="78"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="78"/>
        <source>Queue</source>
        <translation>Очередь</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="78"/>
        <source>Result</source>
        <translation>Результат</translation>
    </message>
    <message>
        <location filename="../../ui/card/history_view.py" line="78"/>
        <source>Comment</source>
        <translation>Комментарий</translation>
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
        <location filename="../../ui/login_dialog.py" line="97"/>
        <source>Server</source>
        <translation>Сервер</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="97"/>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <location filename="../../ui/login_dialog.py" line="97"/>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>&amp;Call</source>
        <translation>&amp;Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>&amp;Status</source>
        <translation>&amp;Статус</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>&amp;Result</source>
        <translation>&amp;Результат</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="162"/>
        <source>&amp;Tools</source>
        <translation>С&amp;ервис</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="166"/>
        <source>Dial pad</source>
        <translation>Набор номера</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="167"/>
        <source>The call script appears here when a call is answered.</source>
        <translation>Скрипт разговора появится здесь после ответа на звонок.</translation>
    </message>
</context>
<context>
    <name>NewContactForm</name>
    <message>
        <location filename="../../ui/card/new_contact.py" line="77"/>
        <source>New contact</source>
        <translation>Новый контакт</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="78"/>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="79"/>
        <source>Name</source>
        <translation>ФИО</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="80"/>
        <source>Segment</source>
        <translation>Сегмент</translation>
    </message>
    <message>
        <location filename="../../ui/card/new_contact.py" line="81"/>
        <source>Create contact (Ctrl+S)</source>
        <translation>Создать контакт (Ctrl+S)</translation>
    </message>
</context>
<context>
    <name>Queues</name>
    <message>
        <location filename="../../ui/card/glance.py" line="23"/>
        <source>Contact lenses</source>
        <translation>Контактные линзы</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="24"/>
        <source>Online shop</source>
        <translation>Интернет-магазин</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="25"/>
        <source>Finance</source>
        <translation>Финансы</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="26"/>
        <source>Survey</source>
        <translation>Опрос</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="27"/>
        <source>Sales</source>
        <translation>Продажи</translation>
    </message>
    <message>
        <location filename="../../ui/card/glance.py" line="28"/>
        <source>Support</source>
        <translation>Поддержка</translation>
    </message>
</context>
<context>
    <name>RingingPanel</name>
    <message>
        <location filename="../../ui/ringing_panel.py" line="105"/>
        <source>Queue: %1</source>
        <translation>Очередь: %1</translation>
    </message>
    <message>
        <location filename="../../ui/ringing_panel.py" line="109"/>
        <source>Incoming call</source>
        <translation>Входящий звонок</translation>
    </message>
</context>
<context>
    <name>Script</name>
    <message>
        <location filename="../../ui/script_host.py" line="89"/>
        <source>No script is set for this queue and segment.</source>
        <translation>Для этой очереди и сегмента скрипт не задан.</translation>
    </message>
    <message>
        <location filename="../../ui/script_host.py" line="96"/>
        <source>The script cannot be shown: %1</source>
        <translation>Скрипт нельзя показать: %1</translation>
    </message>
</context>
<context>
    <name>ScriptPanel</name>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="75"/>
        <source>Back (Alt+Left)</source>
        <translation>Назад (Alt+←)</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="76"/>
        <source>Next (Enter)</source>
        <translation>Далее (Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="77"/>
        <source>Return to the previous step</source>
        <translation>Вернуться к предыдущему шагу</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="117"/>
        <source>This step cannot continue: {0}</source>
        <translation>Этот шаг не может продолжиться: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/panel.py" line="129"/>
        <source>End of script. Suggested disposition: {0}</source>
        <translation>Конец скрипта. Предлагаемый результат: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="63"/>
        <source>DD.MM.YYYY</source>
        <translation>ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="64"/>
        <source>+7 912 345-67-89</source>
        <translation>+7 912 345-67-89</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="65"/>
        <source>name@example.ru</source>
        <translation>name@example.ru</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="132"/>
        <source>Yes</source>
        <translation>Да</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/inputs.py" line="133"/>
        <source>No</source>
        <translation>Нет</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="19"/>
        <source>Required</source>
        <translation>Обязательное поле</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="20"/>
        <source>Enter text</source>
        <translation>Введите текст</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="21"/>
        <source>At least {min} characters</source>
        <translation>Не меньше {min} символов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="22"/>
        <source>At most {max} characters</source>
        <translation>Не больше {max} символов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="23"/>
        <source>Enter a number</source>
        <translation>Введите число</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="24"/>
        <source>Enter a whole number</source>
        <translation>Введите целое число</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="25"/>
        <source>At least {min}</source>
        <translation>Не меньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="26"/>
        <source>At most {max}</source>
        <translation>Не больше {max}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="27"/>
        <source>Enter a date as DD.MM.YYYY</source>
        <translation>Введите дату в виде ДД.ММ.ГГГГ</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="28"/>
        <source>Not before {min}</source>
        <translation>Не раньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="29"/>
        <source>Not after {max}</source>
        <translation>Не позже {max}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="30"/>
        <source>Not a valid phone number</source>
        <translation>Неверный номер телефона</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="31"/>
        <source>Not an e-mail address</source>
        <translation>Это не адрес e-mail</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="32"/>
        <source>Choose yes or no</source>
        <translation>Выберите «да» или «нет»</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="33"/>
        <source>Choose one of the options</source>
        <translation>Выберите один из вариантов</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="34"/>
        <source>Choose at least {min}</source>
        <translation>Выберите не меньше {min}</translation>
    </message>
    <message>
        <location filename="../../ui/script_panel/messages.py" line="35"/>
        <source>Choose at most {max}</source>
        <translation>Выберите не больше {max}</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../ui/settings_flow.py" line="101"/>
        <source>set by your IT department&apos;s policy (%1)</source>
        <translation>задано политикой вашего ИТ-отдела (%1)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../ui/settings_dialog.py" line="165"/>
        <location filename="../../ui/settings_dialog.py" line="261"/>
        <source>System default</source>
        <translation>Системное по умолчанию</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="208"/>
        <source>%1 is set for both “%2” and “%3”: choose another key for one of them.</source>
        <translation>Клавиша %1 назначена и для «%2», и для «%3»: выберите для одного из них другую.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="233"/>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="235"/>
        <source>Account</source>
        <translation>Учётная запись</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="235"/>
        <source>Audio</source>
        <translation>Звук</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="235"/>
        <source>Hotkeys</source>
        <translation>Горячие клавиши</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="235"/>
        <source>Appearance</source>
        <translation>Внешний вид</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="239"/>
        <source>SIP user</source>
        <translation>Пользователь SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="240"/>
        <source>SIP domain</source>
        <translation>Домен SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="241"/>
        <source>SIP password</source>
        <translation>Пароль SIP</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="242"/>
        <source>Transport</source>
        <translation>Транспорт</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="243"/>
        <source>Microphone</source>
        <translation>Микрофон</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="244"/>
        <source>Headset</source>
        <translation>Гарнитура</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="245"/>
        <source>Ringer</source>
        <translation>Звонок (рингер)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="246"/>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="247"/>
        <source>Theme</source>
        <translation>Тема</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="248"/>
        <source>Start minimised to the tray</source>
        <translation>Запускать свёрнутым в трей</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="252"/>
        <location filename="../../ui/settings_dialog.py" line="253"/>
        <source>Test tone</source>
        <translation>Проверить звук</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="254"/>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="255"/>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <location filename="../../ui/settings_dialog.py" line="279"/>
        <source>Locked: %1</source>
        <translation>Заблокировано: %1</translation>
    </message>
</context>
<context>
    <name>Status</name>
    <message>
        <location filename="../../ui/status_menu.py" line="54"/>
        <source>Offline</source>
        <translation>Не в сети</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="55"/>
        <source>Ready</source>
        <translation>Готов</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="56"/>
        <source>Not ready</source>
        <translation>Не готов</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="57"/>
        <source>On call</source>
        <translation>Разговор</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="58"/>
        <source>After-call work</source>
        <translation>Обработка звонка</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="110"/>
        <source>After this call</source>
        <translation>После этого звонка</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="125"/>
        <source>End of shift</source>
        <translation>Конец смены</translation>
    </message>
    <message>
        <location filename="../../ui/status_menu.py" line="137"/>
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
    <name>Supervision</name>
    <message>
        <location filename="../../ui/supervision.py" line="74"/>
        <source>&amp;Team board</source>
        <translation>&amp;Панель группы</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="94"/>
        <source>Your team lead set your next status: %1</source>
        <translation>Руководитель группы назначил следующий статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="99"/>
        <source>Break approved</source>
        <translation>Перерыв одобрен</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="101"/>
        <source>Break refused by %1</source>
        <translation>Перерыв отклонён: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="117"/>
        <source>Your team lead set your status: %1</source>
        <translation>Руководитель группы установил ваш статус: %1</translation>
    </message>
    <message>
        <location filename="../../ui/supervision.py" line="145"/>
        <source>Today: %1 calls · AHT %2 · ACW %3</source>
        <translation>Сегодня: звонков %1 · AHT %2 · ACW %3</translation>
    </message>
</context>
<context>
    <name>SyncBanner</name>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="27"/>
        <source>Log in again: %n record(s) waiting</source>
        <translation>
            <numerusform>Войдите снова: ждёт %n запись</numerusform>
            <numerusform>Войдите снова: ждут %n записи</numerusform>
            <numerusform>Войдите снова: ждут %n записей</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="29"/>
        <source>Server unreachable: %n record(s) saved here, waiting to be sent</source>
        <translation>
            <numerusform>Сервер недоступен: %n запись сохранена здесь и ждёт отправки</numerusform>
            <numerusform>Сервер недоступен: %n записи сохранены здесь и ждут отправки</numerusform>
            <numerusform>Сервер недоступен: %n записей сохранено здесь и ждут отправки</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sync_banner.py" line="31"/>
        <source>%n record(s) refused by the server: see the log</source>
        <translation>
            <numerusform>%n запись отклонена сервером: см. журнал</numerusform>
            <numerusform>%n записи отклонены сервером: см. журнал</numerusform>
            <numerusform>%n записей отклонено сервером: см. журнал</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TeamModel</name>
    <message>
        <location filename="../../ui/team/model.py" line="48"/>
        <source>Operator</source>
        <translation>Оператор</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="49"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="50"/>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="51"/>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="52"/>
        <source>In status</source>
        <translation>В статусе</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="53"/>
        <source>Call</source>
        <translation>Звонок</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="54"/>
        <source>Handled today</source>
        <translation>Обработано сегодня</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="55"/>
        <source>AHT</source>
        <translation>AHT</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="56"/>
        <source>Avg ACW</source>
        <translation>Ср. поствызов</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="57"/>
        <source>Request</source>
        <translation>Запрос</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="67"/>
        <source>Forced: %1 after the call</source>
        <translation>Назначено: %1 после звонка</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="69"/>
        <source>Approved: %1</source>
        <translation>Одобрено: %1</translation>
    </message>
    <message>
        <location filename="../../ui/team/model.py" line="70"/>
        <source>Asks for: %1</source>
        <translation>Просит: %1</translation>
    </message>
</context>
<context>
    <name>TeamWindow</name>
    <message>
        <location filename="../../ui/team/window.py" line="66"/>
        <source>Team</source>
        <translation>Команда</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="74"/>
        <source>All teams</source>
        <translation>Все команды</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="76"/>
        <source>Connecting...</source>
        <translation>Подключение...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="78"/>
        <source>Force status...</source>
        <translation>Установить статус...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="79"/>
        <source>Approve break</source>
        <translation>Одобрить перерыв</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="80"/>
        <source>Refuse break</source>
        <translation>Отказать в перерыве</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="81"/>
        <source>History...</source>
        <translation>История...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="98"/>
        <source>Team:</source>
        <translation>Команда:</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="141"/>
        <source>Live</source>
        <translation>В эфире</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="141"/>
        <source>Reconnecting...</source>
        <translation>Переподключение...</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="214"/>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <location filename="../../ui/team/window.py" line="214"/>
        <source>Refused: %1</source>
        <translation>Отказано: %1</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <location filename="../../ui/tray.py" line="55"/>
        <source>Show window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="56"/>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
</context>
</TS>
