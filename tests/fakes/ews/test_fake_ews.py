"""Tests of the Exchange Web Services fake itself: that it keeps the documented
rules of EWS (SOAP 1.1 envelopes and faults, Basic authentication, Exchange
impersonation, room lists, CalendarView with recurring series, GetItem with
extended properties, SyncFolderItems, writes with change keys, declining,
pull and streaming notifications, throttling), so that convene's tests against
it prove something about convene and Exchange. Requests are real SOAP built as
a client would, answers are parsed with xml.etree.
Run: /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/fakes/ews"""
import importlib.util
import os
import threading
import time
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

import pytest
import requests

# tests/fakes/zoom's client.py is also a module named `client`: load this one by its path under a name of its own
_spec = importlib.util.spec_from_file_location(
    "fake_ews_client", os.path.join(os.path.dirname(os.path.abspath(__file__)), "client.py"))
ews_client = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ews_client)
FakeEws = ews_client.FakeEws

S = "http://schemas.xmlsoap.org/soap/envelope/"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
E = "http://schemas.microsoft.com/exchange/services/2006/errors"
NS = {"s": S, "t": T, "m": M, "e": E}
ROOM = "ada@contoso.com"
ROOM2 = "babbage@contoso.com"
LIST = "rooms-a@contoso.com"
ORG = "alice@contoso.com"
PROP_SET = "66f5a359-4659-4638-81f9-3bc2a3b8d1c4"
EXT_URI = ('<t:ExtendedFieldURI PropertySetId="%s" PropertyName="convene_event_id" PropertyType="String"/>'
           % PROP_SET)


@pytest.fixture(scope="module")
def fake():
    with FakeEws() as fe:
        yield fe


@pytest.fixture
def fe(fake):
    fake.reset()
    fake.add_roomlist(LIST, "Building A")
    fake.add_room(ROOM, "Ada", capacity=8, building="A", floor="2", roomlist=LIST)
    fake.add_room(ROOM2, "Babbage", capacity=4, roomlist=LIST)
    fake.add_person(ORG, "Alice")
    return fake


def envelope(body, impersonate=ROOM, version="Exchange2016"):
    head = '<t:RequestServerVersion Version="%s"/>' % version if version else ""
    if impersonate:
        head += ("<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>%s</t:PrimarySmtpAddress>"
                 "</t:ConnectingSID></t:ExchangeImpersonation>" % impersonate)
    return ('<?xml version="1.0" encoding="utf-8"?>'
            '<soap:Envelope xmlns:soap="%s" xmlns:t="%s" xmlns:m="%s">'
            '<soap:Header>%s</soap:Header><soap:Body>%s</soap:Body></soap:Envelope>' % (S, T, M, head, body))


def post(fe, body, auth=None, raw=None, **kw):
    return requests.post(fe.ews_url, data=(raw if raw is not None else envelope(body, **kw)).encode(),
                         auth=auth or (fe.username, fe.password),
                         headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=30)


def call(fe, body, **kw):
    """POST a SOAP request; answer the response's messages (Elements) after checking HTTP 200."""
    r = post(fe, body, **kw)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.find("s:Header/t:ServerVersionInfo", NS).get("MajorVersion") == "15"
    return root.find("s:Body", NS)[0]


def messages(resp):
    return list(resp.find("m:ResponseMessages", NS))


def only(resp, code="NoError"):
    msgs = messages(resp)
    assert len(msgs) == 1
    assert msgs[0].findtext("m:ResponseCode", namespaces=NS) == code, ET.tostring(msgs[0]).decode()
    assert msgs[0].get("ResponseClass") == ("Success" if code == "NoError" else "Error")
    return msgs[0]


def fault(r, code):
    assert r.status_code == 500, r.text
    root = ET.fromstring(r.content)
    f = root.find("s:Body/s:Fault", NS)
    assert f is not None
    assert f.findtext("faultcode").endswith(":" + code)
    assert f.findtext("detail/e:ResponseCode", namespaces=NS) == code
    return f


CAL = '<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>%s</t:EmailAddress></t:Mailbox>' \
      '</t:DistinguishedFolderId>'


def find(fe, start, end, room=ROOM, shape="Default", extra="", mx=None):
    view = '<m:CalendarView StartDate="%s" EndDate="%s"%s/>' % (
        start, end, ' MaxEntriesReturned="%d"' % mx if mx else "")
    body = ('<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>%s</t:BaseShape>%s</m:ItemShape>%s'
            '<m:ParentFolderIds>%s</m:ParentFolderIds></m:FindItem>' % (shape, extra, view, CAL % room))
    return call(fe, body, impersonate=room)


def found_items(resp):
    msg = only(resp)
    return msg.find("m:RootFolder", NS), msg.findall("m:RootFolder/t:Items/t:CalendarItem", NS)


def get_item(fe, item_id_xml, room=ROOM, shape="AllProperties", extra=""):
    body = ('<m:GetItem><m:ItemShape><t:BaseShape>%s</t:BaseShape>%s</m:ItemShape>'
            '<m:ItemIds>%s</m:ItemIds></m:GetItem>' % (shape, extra, item_id_xml))
    return call(fe, body, impersonate=room)


def create(fe, subject, start, end, room=ROOM, smi="SendToNone", ext=None, extra=""):
    ext_xml = ('<t:ExtendedProperty>%s<t:Value>%s</t:Value></t:ExtendedProperty>' % (EXT_URI, ext)) if ext else ""
    attr = ' SendMeetingInvitations="%s"' % smi if smi else ""
    body = ('<m:CreateItem%s><m:SavedItemFolderId>%s</m:SavedItemFolderId><m:Items><t:CalendarItem>'
            '<t:Subject>%s</t:Subject>%s<t:Start>%s</t:Start><t:End>%s</t:End>%s'
            '</t:CalendarItem></m:Items></m:CreateItem>' % (attr, CAL % room, escape(subject), ext_xml,
                                                            start, end, extra))
    return call(fe, body, impersonate=room)


def created_id(resp):
    el = only(resp).find("m:Items/t:CalendarItem/t:ItemId", NS)
    return el.get("Id"), el.get("ChangeKey")


def sync(fe, state=None, mx=100, room=ROOM, shape="IdOnly", extra=""):
    body = ('<m:SyncFolderItems><m:ItemShape><t:BaseShape>%s</t:BaseShape>%s</m:ItemShape>'
            '<m:SyncFolderId>%s</m:SyncFolderId>%s<m:MaxChangesReturned>%d</m:MaxChangesReturned>'
            '</m:SyncFolderItems>' % (shape, extra, CAL % room,
                                      "<m:SyncState>%s</m:SyncState>" % state if state else "", mx))
    return call(fe, body, impersonate=room)


def changes(msg):
    out = []
    for c in msg.find("m:Changes", NS):
        kind = c.tag.split("}")[1]
        iid = c.find(".//t:ItemId", NS).get("Id")
        out.append((kind, iid))
    return out


# ---------------------------------------------------------------- authentication and faults

def test_basic_authentication_wrong_password_and_none_get_401(fe):
    body = "<m:GetRoomLists/>"
    r = post(fe, body, auth=(fe.username, "wrong"))
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic realm=")
    r = requests.post(fe.ews_url, data=envelope(body), headers={"Content-Type": "text/xml"}, timeout=10)
    assert r.status_code == 401
    assert post(fe, body).status_code == 200
    # the path is case-insensitive as on IIS
    r = requests.post(fe.base + "/ews/exchange.asmx", data=envelope(body), auth=(fe.username, fe.password),
                      timeout=10)
    assert r.status_code == 200


def test_impersonation_needs_the_right_and_an_existing_mailbox(fe):
    fe.add_account("CONTOSO\\plain", "pw", impersonation=False, email="plain@contoso.com")
    f = fault(post(fe, "<m:GetRoomLists/>", auth=("CONTOSO\\plain", "pw")), "ErrorImpersonateUserDenied")
    assert "impersonate" in f.findtext("faultstring")
    fault(post(fe, "<m:GetRoomLists/>", impersonate="nobody@contoso.com"), "ErrorNonExistentMailbox")
    # the right granted afterwards (ApplicationImpersonation role) works at once
    fe.set_account("CONTOSO\\plain", impersonation=True)
    assert post(fe, "<m:GetRoomLists/>", auth=("CONTOSO\\plain", "pw")).status_code == 200


def test_without_impersonation_another_mailbox_is_access_denied(fe):
    resp = call(fe, '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>'
                '</m:ItemShape><m:CalendarView StartDate="2030-01-01T00:00:00Z" EndDate="2030-01-02T00:00:00Z"/>'
                '<m:ParentFolderIds>%s</m:ParentFolderIds></m:FindItem>' % (CAL % ROOM), impersonate=None)
    msg = only(resp, "ErrorAccessDenied")
    assert msg.findtext("m:MessageText", namespaces=NS)


def test_soap_faults_for_malformed_requests(fe):
    fault(post(fe, None, raw="<not xml"), "ErrorSchemaValidation")
    fault(post(fe, "<m:NoSuchOperation/>"), "ErrorSchemaValidation")
    fault(post(fe, "<m:GetRoomLists/>", version="Exchange2099"), "ErrorInvalidServerVersion")
    # UpdateItem without its required ConflictResolution attribute
    fault(post(fe, "<m:UpdateItem><m:ItemChanges/></m:UpdateItem>"), "ErrorSchemaValidation")
    # MaxChangesReturned is 1 to 512
    r = post(fe, '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
             '<m:SyncFolderId>%s</m:SyncFolderId><m:MaxChangesReturned>513</m:MaxChangesReturned>'
             '</m:SyncFolderItems>' % (CAL % ROOM))
    fault(r, "ErrorSchemaValidation")
    log = fe.requests()
    assert [x.get("fault") for x in log[-5:]] == ["ErrorSchemaValidation"] * 2 + ["ErrorInvalidServerVersion"] + \
        ["ErrorSchemaValidation"] * 2


# ---------------------------------------------------------------- rooms

def test_room_lists_and_rooms(fe):
    resp = call(fe, "<m:GetRoomLists/>", impersonate=None)
    assert resp.tag == "{%s}GetRoomListsResponse" % M and resp.get("ResponseClass") == "Success"
    lists = resp.findall("m:RoomLists/t:Address", NS)
    assert [(a.findtext("t:Name", namespaces=NS), a.findtext("t:EmailAddress", namespaces=NS),
             a.findtext("t:MailboxType", namespaces=NS)) for a in lists] == [("Building A", LIST, "PublicDL")]
    resp = call(fe, "<m:GetRooms><m:RoomList><t:EmailAddress>%s</t:EmailAddress></m:RoomList></m:GetRooms>"
                % LIST, impersonate=None)
    rooms = resp.findall("m:Rooms/t:Room/t:Id", NS)
    assert [(r.findtext("t:Name", namespaces=NS), r.findtext("t:EmailAddress", namespaces=NS)) for r in rooms] \
        == [("Ada", ROOM), ("Babbage", ROOM2)]
    resp = call(fe, "<m:GetRooms><m:RoomList><t:EmailAddress>none@contoso.com</t:EmailAddress></m:RoomList>"
                "</m:GetRooms>", impersonate=None)
    assert resp.get("ResponseClass") == "Error"
    assert resp.findtext("m:ResponseCode", namespaces=NS) == "ErrorNameResolutionNoResults"


# ---------------------------------------------------------------- reading the calendar

def test_calendar_view_expands_series_with_exceptions_and_deleted_occurrences(fe):
    m = fe.book(ORG, [ROOM], "Weekly", "2030-01-07T09:00:00Z", "2030-01-07T10:00:00Z",
                recurrence={"type": "weekly", "days": ["Monday"], "count": 4})
    assert m["rooms"][ROOM]["response"] == "Accept"
    fe.update_meeting(m["meeting_id"], occurrence="2030-01-14T09:00:00Z", start="2030-01-15T13:00:00Z",
                      end="2030-01-15T14:00:00Z")
    fe.update_meeting(m["meeting_id"], occurrence="2030-01-21T09:00:00Z", cancel=True)
    root, items = found_items(find(fe, "2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z"))
    assert root.get("IncludesLastItemInRange") == "true" and root.get("TotalItemsInView") == "3"
    got = [(i.findtext("t:Start", namespaces=NS), i.findtext("t:CalendarItemType", namespaces=NS),
            i.findtext("t:MyResponseType", namespaces=NS)) for i in items]
    assert got == [("2030-01-07T09:00:00Z", "Occurrence", "Accept"), ("2030-01-15T13:00:00Z", "Exception", "Accept"),
                   ("2030-01-28T09:00:00Z", "Occurrence", "Accept")]
    assert items[0].findtext("t:Organizer/t:Mailbox/t:EmailAddress", namespaces=NS) == ORG
    # MaxEntriesReturned cuts the view and says so
    root, items = found_items(find(fe, "2030-01-01T00:00:00Z", "2030-02-01T00:00:00Z", mx=2))
    assert len(items) == 2 and root.get("IncludesLastItemInRange") == "false"
    # the master, reached from an occurrence, lists its exception and deleted occurrence
    occ_id = items[0].find("t:ItemId", NS).get("Id")
    resp = get_item(fe, '<t:RecurringMasterItemId OccurrenceId="%s"/>' % occ_id)
    master = only(resp).find("m:Items/t:CalendarItem", NS)
    assert master.findtext("t:CalendarItemType", namespaces=NS) == "RecurringMaster"
    assert master.find("t:Recurrence/t:WeeklyRecurrence/t:DaysOfWeek", NS).text == "Monday"
    assert master.findtext("t:Recurrence/t:NumberedRecurrence/t:NumberOfOccurrences", namespaces=NS) == "4"
    assert [o.findtext("t:OriginalStart", namespaces=NS)
            for o in master.findall("t:ModifiedOccurrences/t:Occurrence", NS)] == ["2030-01-14T09:00:00Z"]
    assert [o.findtext("t:Start", namespaces=NS)
            for o in master.findall("t:DeletedOccurrences/t:DeletedOccurrence", NS)] == ["2030-01-21T09:00:00Z"]
    master_id = master.find("t:ItemId", NS).get("Id")
    # an occurrence by index; a deleted one and one past the end are errors
    resp = get_item(fe, '<t:OccurrenceItemId RecurringMasterId="%s" InstanceIndex="2"/>' % master_id)
    occ = only(resp).find("m:Items/t:CalendarItem", NS)
    assert occ.findtext("t:CalendarItemType", namespaces=NS) == "Exception"
    assert occ.findtext("t:OriginalStart", namespaces=NS) == "2030-01-14T09:00:00Z"
    only(get_item(fe, '<t:OccurrenceItemId RecurringMasterId="%s" InstanceIndex="3"/>' % master_id),
         "ErrorCalendarOccurrenceIsDeletedFromRecurrence")
    only(get_item(fe, '<t:OccurrenceItemId RecurringMasterId="%s" InstanceIndex="5"/>' % master_id),
         "ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange")


def test_find_item_refuses_attendees_and_bad_windows(fe):
    resp = find(fe, "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z",
                extra='<t:AdditionalProperties><t:FieldURI FieldURI="calendar:RequiredAttendees"/>'
                '</t:AdditionalProperties>')
    only(resp, "ErrorInvalidPropertyRequest")
    only(find(fe, "2030-01-02T00:00:00Z", "2030-01-01T00:00:00Z"), "ErrorCalendarEndDateIsEarlierThanStartDate")
    only(find(fe, "2030-01-01T00:00:00Z", "2033-01-01T00:00:00Z"), "ErrorCalendarViewRangeTooBig")


def test_get_item_extended_property_only_when_asked(fe):
    iid, ck = created_id(create(fe, "From convene", "2030-02-01T10:00:00Z", "2030-02-01T11:00:00Z",
                                ext="evt-42"))
    plain = only(get_item(fe, '<t:ItemId Id="%s"/>' % iid)).find("m:Items/t:CalendarItem", NS)
    assert plain.find("t:ExtendedProperty", NS) is None
    assert plain.findtext("t:Subject", namespaces=NS) == "From convene"
    assert plain.findtext("t:CalendarItemType", namespaces=NS) == "Single"
    assert plain.findtext("t:MyResponseType", namespaces=NS) == "Organizer"
    asked = only(get_item(fe, '<t:ItemId Id="%s"/>' % iid, shape="IdOnly",
                          extra="<t:AdditionalProperties>%s</t:AdditionalProperties>" % EXT_URI.replace(
                              PROP_SET, PROP_SET.upper()))).find("m:Items/t:CalendarItem", NS)
    ep = asked.find("t:ExtendedProperty", NS)
    assert ep.findtext("t:Value", namespaces=NS) == "evt-42"
    assert ep.find("t:ExtendedFieldURI", NS).get("PropertyName") == "convene_event_id"
    assert asked.find("t:ItemId", NS).get("ChangeKey") == ck
    assert asked.find("t:Subject", NS) is None  # IdOnly
    # another mailbox's item: access denied; garbage: malformed; unknown: not found
    only(get_item(fe, '<t:ItemId Id="%s"/>' % iid, room=ROOM2), "ErrorAccessDenied")
    only(get_item(fe, '<t:ItemId Id="@@@"/>'), "ErrorInvalidIdMalformed")
    only(get_item(fe, '<t:ItemId Id="aXRlbXxub3BlCg=="/>'), "ErrorItemNotFound")


# ---------------------------------------------------------------- SyncFolderItems

def test_sync_folder_items_pages_creates_updates_deletes(fe):
    a, _ = created_id(create(fe, "A", "2030-03-01T10:00:00Z", "2030-03-01T11:00:00Z"))
    b, _ = created_id(create(fe, "B", "2030-03-02T10:00:00Z", "2030-03-02T11:00:00Z"))
    m = fe.book(ORG, [ROOM], "C", "2030-03-03T10:00:00Z", "2030-03-03T11:00:00Z")
    c = m["rooms"][ROOM]["item_id"]
    msg = only(sync(fe, mx=2))
    assert changes(msg) == [("Create", a), ("Create", b)]
    assert msg.findtext("m:IncludesLastItemInRange", namespaces=NS) == "false"
    msg = only(sync(fe, msg.findtext("m:SyncState", namespaces=NS), mx=2))
    assert changes(msg) == [("Create", c)]
    assert msg.findtext("m:IncludesLastItemInRange", namespaces=NS) == "true"
    state = msg.findtext("m:SyncState", namespaces=NS)
    # nothing new: no changes, a usable state
    msg = only(sync(fe, state))
    assert changes(msg) == []
    state = msg.findtext("m:SyncState", namespaces=NS)
    fe.update_meeting(m["meeting_id"], subject="C2")
    call(fe, '<m:DeleteItem DeleteType="HardDelete" SendMeetingCancellations="SendToNone"><m:ItemIds>'
         '<t:ItemId Id="%s"/></m:ItemIds></m:DeleteItem>' % a)
    msg = only(sync(fe, state, shape="Default"))
    got = changes(msg)
    assert got == [("Update", c), ("Delete", a)]
    upd = msg.find("m:Changes/t:Update/t:CalendarItem", NS)
    # the room keeps the organizer's name as subject (AddOrganizerToSubject, on by default)
    assert upd.findtext("t:Subject", namespaces=NS) == "Alice"
    # an item made and deleted between two syncs never shows
    state = msg.findtext("m:SyncState", namespaces=NS)
    d, _ = created_id(create(fe, "D", "2030-03-04T10:00:00Z", "2030-03-04T11:00:00Z"))
    call(fe, '<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone"><m:ItemIds>'
         '<t:ItemId Id="%s"/></m:ItemIds></m:DeleteItem>' % d)
    assert changes(only(sync(fe, state))) == []


def test_sync_state_invalid_or_invalidated(fe):
    msg = only(sync(fe, "bm90IGEgc3luYyBzdGF0ZQ=="), "ErrorInvalidSyncStateData")
    assert msg.findtext("m:MessageText", namespaces=NS) == "Synchronization state data is corrupt or otherwise invalid."
    assert msg.find("m:SyncState", NS) is not None and msg.find("m:SyncState", NS).text is None
    only(sync(fe, "!!!"), "ErrorInvalidSyncStateData")
    state = only(sync(fe)).findtext("m:SyncState", namespaces=NS)
    # another room's state is not this room's
    only(sync(fe, state, room=ROOM2), "ErrorInvalidSyncStateData")
    only(sync(fe, state))
    fe.invalidate_sync_states(ROOM)
    only(sync(fe, state), "ErrorInvalidSyncStateData")
    # a full sync starts over
    only(sync(fe))


# ---------------------------------------------------------------- writes

def test_create_update_with_change_keys_and_delete(fe):
    only(create(fe, "X", "2030-04-01T10:00:00Z", "2030-04-01T11:00:00Z", smi=None),
         "ErrorSendMeetingInvitationsRequired")
    only(create(fe, "X", "2030-04-01T11:00:00Z", "2030-04-01T10:00:00Z"), "ErrorCalendarEndDateIsEarlierThanStartDate")
    iid, ck = created_id(create(fe, "X", "2030-04-01T10:00:00Z", "2030-04-01T11:00:00Z", smi="SendToAllAndSaveCopy",
                                extra="<t:Resources><t:Attendee><t:Mailbox><t:EmailAddress>%s</t:EmailAddress>"
                                "</t:Mailbox></t:Attendee></t:Resources>" % ROOM))

    def update(change_key, cr="NeverOverwrite", subject="Y", smic="SendToNone"):
        return call(fe, '<m:UpdateItem ConflictResolution="%s"%s><m:ItemChanges><t:ItemChange>'
                    '<t:ItemId Id="%s" ChangeKey="%s"/><t:Updates>'
                    '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>%s</t:Subject>'
                    '</t:CalendarItem></t:SetItemField>'
                    '<t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem>'
                    '<t:End>2030-04-01T12:00:00Z</t:End></t:CalendarItem></t:SetItemField>'
                    '<t:SetItemField>%s<t:CalendarItem><t:ExtendedProperty>%s<t:Value>evt-7</t:Value>'
                    '</t:ExtendedProperty></t:CalendarItem></t:SetItemField>'
                    '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>'
                    % (cr, ' SendMeetingInvitationsOrCancellations="%s"' % smic if smic else "", iid, change_key,
                       subject, EXT_URI, EXT_URI))
    only(update(ck, smic=None), "ErrorSendMeetingInvitationsOrCancellationsRequired")
    msg = only(update(ck))
    ck2 = msg.find("m:Items/t:CalendarItem/t:ItemId", NS).get("ChangeKey")
    assert ck2 != ck
    assert msg.findtext("m:ConflictResults/t:Count", namespaces=NS) == "0"
    # the old change key is stale now
    only(update(ck, subject="Z"), "ErrorIrresolvableConflict")
    msg = only(update(ck, cr="AutoResolve", subject="Z"))
    assert msg.findtext("m:ConflictResults/t:Count", namespaces=NS) == "1"
    stored = [i for i in fe.items(ROOM) if i["id"] == iid][0]
    assert stored["subject"] == "Z" and stored["end"] == "2030-04-01T12:00:00Z"
    assert list(stored["ext"].values()) == ["evt-7"]
    # DeleteItem needs SendMeetingCancellations for calendar items; a second delete finds nothing
    del_xml = '<m:DeleteItem DeleteType="MoveToDeletedItems"%s><m:ItemIds><t:ItemId Id="%s"/></m:ItemIds>' \
              '</m:DeleteItem>'
    only(call(fe, del_xml % ("", iid)), "ErrorSendMeetingCancellationsRequired")
    only(call(fe, del_xml % (' SendMeetingCancellations="SendToAllAndSaveCopy"', iid)))
    only(call(fe, del_xml % (' SendMeetingCancellations="SendToNone"', iid)), "ErrorItemNotFound")
    kinds = [r["kind"] for r in fe.responses() if r.get("from") == ROOM]
    assert kinds == ["invitation", "cancellation"]


def test_update_and_delete_one_occurrence(fe):
    iid, _ = created_id(create(fe, "Daily", "2030-05-06T08:00:00Z", "2030-05-06T08:30:00Z", extra=(
        "<t:Recurrence><t:DailyRecurrence><t:Interval>1</t:Interval></t:DailyRecurrence>"
        "<t:NumberedRecurrence><t:StartDate>2030-05-06Z</t:StartDate><t:NumberOfOccurrences>3"
        "</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>")))
    _, items = found_items(find(fe, "2030-05-01T00:00:00Z", "2030-06-01T00:00:00Z"))
    assert [i.findtext("t:Start", namespaces=NS) for i in items] == [
        "2030-05-06T08:00:00Z", "2030-05-07T08:00:00Z", "2030-05-08T08:00:00Z"]
    second = items[1].find("t:ItemId", NS)
    only(call(fe, '<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations='
              '"SendToNone"><m:ItemChanges><t:ItemChange><t:ItemId Id="%s" ChangeKey="%s"/><t:Updates>'
              '<t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem>'
              '<t:Start>2030-05-07T09:00:00Z</t:Start></t:CalendarItem></t:SetItemField>'
              '<t:SetItemField><t:FieldURI FieldURI="calendar:End"/><t:CalendarItem>'
              '<t:End>2030-05-07T09:30:00Z</t:End></t:CalendarItem></t:SetItemField>'
              '</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>'
              % (second.get("Id"), second.get("ChangeKey"))))
    third = items[2].find("t:ItemId", NS).get("Id")
    only(call(fe, '<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToNone">'
              '<m:ItemIds><t:ItemId Id="%s"/></m:ItemIds></m:DeleteItem>' % third))
    _, items = found_items(find(fe, "2030-05-01T00:00:00Z", "2030-06-01T00:00:00Z"))
    assert [(i.findtext("t:Start", namespaces=NS), i.findtext("t:CalendarItemType", namespaces=NS))
            for i in items] == [("2030-05-06T08:00:00Z", "Occurrence"), ("2030-05-07T09:00:00Z", "Exception")]
    stored = [i for i in fe.items(ROOM) if i["id"] == iid][0]
    assert stored["deleted"] == ["2030-05-08T08:00:00Z"] and stored["exceptions"] == ["2030-05-07T08:00:00Z"]


# ---------------------------------------------------------------- rooms answering, declining

def test_rooms_accept_or_decline_by_availability(fe):
    first = fe.book(ORG, [ROOM, ROOM2], "First", "2030-06-03T10:00:00Z", "2030-06-03T11:00:00Z")
    assert {r: v["response"] for r, v in first["rooms"].items()} == {ROOM: "Accept", ROOM2: "Accept"}
    clash = fe.book("bob@contoso.com", [ROOM], "Clash", "2030-06-03T10:30:00Z", "2030-06-03T11:30:00Z")
    assert clash["rooms"][ROOM] == {"response": "Decline", "item_id": None}
    assert [i["uid"] for i in fe.items(ROOM)] == [first["uid"]]
    # moving the second meeting clear of the first: accepted; moving it back onto it: declined and removed
    later = fe.book("bob@contoso.com", [ROOM], "Later", "2030-06-03T12:00:00Z", "2030-06-03T13:00:00Z")
    assert later["rooms"][ROOM]["response"] == "Accept"
    moved = fe.update_meeting(later["meeting_id"], start="2030-06-03T10:30:00Z", end="2030-06-03T11:30:00Z")
    assert moved["rooms"][ROOM]["response"] == "Decline"
    assert [i["uid"] for i in fe.items(ROOM)] == [first["uid"]]
    # cancelled: on-premises Exchange leaves it on the rooms' calendars, cancelled and free
    fe.set_mailbox(ROOM2, remove_canceled=True)
    fe.cancel_meeting(first["meeting_id"])
    assert [(i["subject"], i["is_cancelled"], i["free_busy"]) for i in fe.items(ROOM)] == [
        ("Canceled: Alice", True, "Free")]
    assert fe.items(ROOM2) == []
    # a cancelled meeting is not busy: the slot can be booked again
    again = fe.book("bob@contoso.com", [ROOM], "Again", "2030-06-03T10:00:00Z", "2030-06-03T11:00:00Z")
    assert again["rooms"][ROOM]["response"] == "Accept"


def test_room_keeps_subject_and_body_by_its_calendar_processing(fe):
    m = fe.book(ORG, [ROOM], "Budget", "2030-06-10T10:00:00Z", "2030-06-10T11:00:00Z", body="Agenda")
    item = fe.items(ROOM)[0]
    assert (item["subject"], item["body"]) == ("Alice", "")
    fe.set_mailbox(ROOM, add_organizer_to_subject=False)
    fe.update_meeting(m["meeting_id"], subject="Budget 2")
    assert fe.items(ROOM)[0]["subject"] == ""
    fe.set_mailbox(ROOM, delete_subject=False, delete_comments=False)
    fe.update_meeting(m["meeting_id"], subject="Budget 3")
    assert (fe.items(ROOM)[0]["subject"], fe.items(ROOM)[0]["body"]) == ("Budget 3", "Agenda")


def test_decline_item_removes_the_meeting_and_tells_the_organizer(fe):
    m = fe.book(ORG, [ROOM], "Race", "2030-07-01T10:00:00Z", "2030-07-01T11:00:00Z")
    copy = m["rooms"][ROOM]["item_id"]
    resp = call(fe, '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:DeclineItem>'
                '<t:ReferenceItemId Id="%s"/><t:Body BodyType="Text">Booked in convene</t:Body>'
                '</t:DeclineItem></m:Items></m:CreateItem>' % copy)
    only(resp)
    assert fe.items(ROOM) == []
    assert fe.meeting(m["meeting_id"])["rooms"][ROOM]["response"] == "Decline"
    sent = [r for r in fe.responses() if r["kind"] == "response"]
    assert sent[-1]["response"] == "Decline" and sent[-1]["comment"] == "Booked in convene"
    # the room cannot decline its own item
    own, _ = created_id(create(fe, "Own", "2030-07-02T10:00:00Z", "2030-07-02T11:00:00Z"))
    resp = call(fe, '<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:DeclineItem>'
                '<t:ReferenceItemId Id="%s"/></t:DeclineItem></m:Items></m:CreateItem>' % own)
    only(resp, "ErrorCalendarIsOrganizerForDecline")


# ---------------------------------------------------------------- notifications

def subscribe_pull(fe, timeout=10, room=ROOM):
    resp = call(fe, '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds>%s</t:FolderIds><t:EventTypes>'
                '<t:EventType>CreatedEvent</t:EventType><t:EventType>ModifiedEvent</t:EventType>'
                '<t:EventType>DeletedEvent</t:EventType></t:EventTypes><t:Timeout>%d</t:Timeout>'
                '</m:PullSubscriptionRequest></m:Subscribe>' % (CAL % room, timeout), impersonate=room)
    msg = only(resp)
    return msg.findtext("m:SubscriptionId", namespaces=NS), msg.findtext("m:Watermark", namespaces=NS)


def get_events(fe, sid, wm, room=ROOM):
    return call(fe, "<m:GetEvents><m:SubscriptionId>%s</m:SubscriptionId><m:Watermark>%s</m:Watermark>"
                "</m:GetEvents>" % (sid, wm), impersonate=room)


def events_of(msg):
    n = msg.find("m:Notification", NS)
    return [(e.tag.split("}")[1], e.find("t:ItemId", NS).get("Id") if e.find("t:ItemId", NS) is not None else None)
            for e in n if e.tag.endswith("Event")], n


def test_pull_subscription_events_watermarks_and_expiry(fe):
    sid, wm = subscribe_pull(fe, timeout=5)
    evs, n = events_of(only(get_events(fe, sid, wm)))
    assert evs == [("StatusEvent", None)]
    m = fe.book(ORG, [ROOM], "Pulled", "2030-08-01T10:00:00Z", "2030-08-01T11:00:00Z")
    copy = m["rooms"][ROOM]["item_id"]
    fe.update_meeting(m["meeting_id"], subject="Pulled 2")
    fe.cancel_meeting(m["meeting_id"])        # stays, cancelled: a modification
    fe.delete_item(ROOM, copy)                # someone deletes it in Outlook
    evs, n = events_of(only(get_events(fe, sid, wm)))
    assert evs == [("CreatedEvent", copy), ("ModifiedEvent", copy), ("ModifiedEvent", copy), ("DeletedEvent", copy)]
    assert n.findtext("t:MoreEvents", namespaces=NS) == "false"
    last = n.findall("t:DeletedEvent/t:Watermark", NS)[-1].text
    # from the last watermark: nothing more (a StatusEvent)
    evs, _ = events_of(only(get_events(fe, sid, last)))
    assert evs == [("StatusEvent", None)]
    only(get_events(fe, sid, "bm9wZQ=="), "ErrorInvalidWatermark")
    # not polled within its Timeout (minutes): the subscription is gone
    fe.advance_clock(6 * 60)
    only(get_events(fe, sid, last), "ErrorSubscriptionNotFound")


def test_unsubscribe(fe):
    sid, wm = subscribe_pull(fe)
    # only the account that made it may use it
    fe.add_account("other@contoso.com", "pw2", impersonation=True)
    msg = only(call(fe, "<m:GetEvents><m:SubscriptionId>%s</m:SubscriptionId><m:Watermark>%s</m:Watermark>"
                    "</m:GetEvents>" % (sid, wm), auth=("other@contoso.com", "pw2")), "ErrorSubscriptionAccessDenied")
    assert msg.findtext("m:MessageText", namespaces=NS) == \
        "Access is denied. Only the subscription owner may access the subscription."
    only(call(fe, "<m:Unsubscribe><m:SubscriptionId>%s</m:SubscriptionId></m:Unsubscribe>" % sid))
    only(get_events(fe, sid, wm), "ErrorSubscriptionNotFound")
    only(call(fe, "<m:Unsubscribe><m:SubscriptionId>%s</m:SubscriptionId></m:Unsubscribe>" % sid),
         "ErrorSubscriptionNotFound")


def read_stream(fe, sid, timeout_minutes, out, room=ROOM, bare=False):
    """GetStreamingEvents as a client reads it: each HTTP chunk holds a whole envelope.
    bare: the subscription id as the operation page's example sends it (no SubscriptionIds)."""
    ids = ("<m:SubscriptionId>%s</m:SubscriptionId>" if bare else
           "<m:SubscriptionIds><t:SubscriptionId>%s</t:SubscriptionId></m:SubscriptionIds>") % sid
    r = requests.post(fe.ews_url, data=envelope(
        "<m:GetStreamingEvents>%s<m:ConnectionTimeout>%d</m:ConnectionTimeout></m:GetStreamingEvents>"
        % (ids, timeout_minutes), impersonate=room).encode(), auth=(fe.username, fe.password), stream=True,
        timeout=30)
    out["status"] = r.status_code
    out["chunked"] = r.headers.get("Transfer-Encoding") == "chunked"
    buf = b""
    for piece in r.iter_content(chunk_size=None):
        buf += piece
        while True:
            end = buf.find(b"</s:Envelope>")
            if end < 0:
                break
            doc, buf = buf[:end + len(b"</s:Envelope>")], buf[end + len(b"</s:Envelope>"):]
            out["docs"].append(ET.fromstring(doc))


def test_streaming_subscription_events_heartbeats_and_close(fe):
    fe.config(minute=3, heartbeat=0.3)  # a 3-second ConnectionTimeout minute: room for a slow machine
    resp = call(fe, '<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds>%s</t:FolderIds><t:EventTypes>'
                '<t:EventType>CreatedEvent</t:EventType><t:EventType>ModifiedEvent</t:EventType>'
                '<t:EventType>DeletedEvent</t:EventType></t:EventTypes></m:StreamingSubscriptionRequest>'
                '</m:Subscribe>' % (CAL % ROOM))
    msg = only(resp)
    sid = msg.findtext("m:SubscriptionId", namespaces=NS)
    assert msg.find("m:Watermark", NS) is None
    out = {"docs": []}
    t = threading.Thread(target=read_stream, args=(fe, sid, 1, out))
    t.start()
    time.sleep(0.4)
    m = fe.book(ORG, [ROOM], "Streamed", "2030-09-01T10:00:00Z", "2030-09-01T11:00:00Z")
    fe.delete_item(ROOM, m["rooms"][ROOM]["item_id"])
    t.join(10)
    assert not t.is_alive()
    assert out["status"] == 200 and out["chunked"]
    msgs = [d.find("s:Body/m:GetStreamingEventsResponse/m:ResponseMessages/m:GetStreamingEventsResponseMessage", NS)
            for d in out["docs"]]
    assert all(x.get("ResponseClass") == "Success" for x in msgs)
    statuses = [x.findtext("m:ConnectionStatus", namespaces=NS) for x in msgs if x.find("m:ConnectionStatus", NS)
                is not None]
    assert statuses[0] == "OK" and statuses[-1] == "Closed" and statuses.count("OK") >= 2
    events = [(e.tag.split("}")[1], e.find("t:ItemId", NS).get("Id"))
              for x in msgs for e in x.findall("m:Notifications/m:Notification/*", NS) if e.tag.endswith("Event")]
    copy = m["rooms"][ROOM]["item_id"]
    assert events == [("CreatedEvent", copy), ("DeletedEvent", copy)]
    assert all(e.find("t:TimeStamp", NS) is not None and e.find("t:ParentFolderId", NS) is not None
               for x in msgs for e in x.findall("m:Notifications/m:Notification/*", NS) if e.tag.endswith("Event"))
    # an unknown subscription, and one that expired (no connection for 30 minutes)
    out2 = {"docs": []}
    read_stream(fe, "bm90IGEgc3Vic2NyaXB0aW9u", 1, out2, bare=True)
    err = out2["docs"][0].find(".//m:GetStreamingEventsResponseMessage", NS)
    assert err.get("ResponseClass") == "Error"
    assert err.findtext("m:ResponseCode", namespaces=NS) == "ErrorSubscriptionNotFound"
    assert err.findtext("m:ConnectionStatus", namespaces=NS) == "Closed"
    fe.advance_clock(31 * 3)
    out3 = {"docs": []}
    read_stream(fe, sid, 1, out3)
    assert out3["docs"][0].findtext(".//m:ResponseCode", namespaces=NS) == "ErrorSubscriptionNotFound"
    # ConnectionTimeout is 1 to 30 minutes
    fault(post(fe, "<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>%s</t:SubscriptionId>"
               "</m:SubscriptionIds><m:ConnectionTimeout>31</m:ConnectionTimeout></m:GetStreamingEvents>" % sid),
          "ErrorSchemaValidation")


# ---------------------------------------------------------------- throttling, outage, log

def test_server_busy_with_back_off(fe):
    fe.throttle(count=2, backoff_ms=1234)
    for _ in range(2):
        f = fault(post(fe, "<m:GetRoomLists/>"), "ErrorServerBusy")
        assert f.findtext("detail/t:MessageXml/t:Value[@Name='BackOffMilliseconds']", namespaces=NS) == "1234"
    assert post(fe, "<m:GetRoomLists/>").status_code == 200


def test_outage_stops_answering(fe):
    fe.outage(mode="close")
    with pytest.raises(requests.ConnectionError):
        post(fe, "<m:GetRoomLists/>")
    fe.outage(mode="hang")
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(fe.ews_url, data=envelope("<m:GetRoomLists/>"), auth=(fe.username, fe.password),
                      timeout=0.5)
    fe.outage(mode="http503")
    assert post(fe, "<m:GetRoomLists/>").status_code == 503
    fe.outage(on=False)
    assert post(fe, "<m:GetRoomLists/>").status_code == 200


def test_request_log(fe):
    find(fe, "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z")
    post(fe, "<m:GetRoomLists/>", auth=(fe.username, "bad"))
    log = fe.requests()
    assert log[-2]["operation"] == "FindItem" and log[-2]["impersonated"] == ROOM
    assert log[-2]["version"] == "Exchange2016" and log[-2]["codes"] == ["NoError"]
    assert log[-1]["status"] == 401
    assert [x["operation"] for x in fe.requests("FindItem")] == ["FindItem"]


def test_bad_input_gets_faults_or_errors_never_a_crash(fe):
    """Values a schema would refuse answer a SOAP fault, the server keeps serving, nothing crashes."""
    bad = [
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
        '<m:CalendarView StartDate="2030-01-01T00:00:00Z" EndDate="2030-01-02T00:00:00Z" MaxEntriesReturned="x"/>'
        '<m:ParentFolderIds>%s</m:ParentFolderIds></m:FindItem>' % (CAL % ROOM),
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Everything</t:BaseShape></m:ItemShape>'
        '<m:CalendarView StartDate="2030-01-01T00:00:00Z" EndDate="2030-01-02T00:00:00Z"/>'
        '<m:ParentFolderIds>%s</m:ParentFolderIds></m:FindItem>' % (CAL % ROOM),
        '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
        '<m:CalendarView StartDate="yesterday" EndDate="2030-01-02T00:00:00Z"/>'
        '<m:ParentFolderIds>%s</m:ParentFolderIds></m:FindItem>' % (CAL % ROOM),
        '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>'
        '<t:OccurrenceItemId RecurringMasterId="aXRlbXx4" InstanceIndex="two"/></m:ItemIds></m:GetItem>',
        '<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId>%s</m:SavedItemFolderId><m:Items>'
        '<t:CalendarItem><t:Subject>x</t:Subject><t:Start>2030-01-01T10:00:00Z</t:Start>'
        '<t:End>2030-01-01T11:00:00Z</t:End><t:Recurrence><t:WeeklyRecurrence><t:Interval>one</t:Interval>'
        '<t:DaysOfWeek>Monday</t:DaysOfWeek></t:WeeklyRecurrence><t:NoEndRecurrence><t:StartDate>2030-01-01'
        '</t:StartDate></t:NoEndRecurrence></t:Recurrence></t:CalendarItem></m:Items></m:CreateItem>' % (CAL % ROOM),
        '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject>'
        '<t:Start>2030-01-01T10:00:00Z</t:Start><t:End>2030-01-01T11:00:00Z</t:End><t:Bogus/>'
        '</t:CalendarItem></m:Items></m:CreateItem>',
        '<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>'
        '<t:ExtendedFieldURI PropertyName="x"/></t:AdditionalProperties></m:ItemShape><m:ItemIds>'
        '<t:ItemId Id="aXRlbXx4"/></m:ItemIds></m:GetItem>',
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds>%s</t:FolderIds><t:EventTypes>'
        '<t:EventType>NoSuchEvent</t:EventType></t:EventTypes><t:Timeout>5</t:Timeout>'
        '</m:PullSubscriptionRequest></m:Subscribe>' % (CAL % ROOM),
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds>%s</t:FolderIds><t:EventTypes>'
        '<t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:Timeout>0</t:Timeout>'
        '</m:PullSubscriptionRequest></m:Subscribe>' % (CAL % ROOM),
        '<m:DeleteItem DeleteType="Shred" SendMeetingCancellations="SendToNone"><m:ItemIds>'
        '<t:ItemId Id="aXRlbXx4"/></m:ItemIds></m:DeleteItem>',
        '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds>%s</t:FolderIds><t:EventTypes>'
        '<t:EventType/></t:EventTypes><t:Timeout>5</t:Timeout>'
        '</m:PullSubscriptionRequest></m:Subscribe>' % (CAL % ROOM),
        '<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject>'
        '<t:Start>2030-01-01T10:00:00Z</t:Start><t:End>2030-01-01T11:00:00Z</t:End><t:Resources><t:Attendee/>'
        '</t:Resources></t:CalendarItem></m:Items></m:CreateItem>',
    ]
    for body in bad:
        fault(post(fe, body), "ErrorSchemaValidation")
    assert not [r for r in fe.requests() if r.get("fault") == "ErrorInternalServerError"]
    assert post(fe, "<m:GetRoomLists/>").status_code == 200


def test_sync_folder_items_at_most_512_per_answer(fe):
    ids = fe.ctl("POST", "mailboxes/%s/items/bulk" % ROOM, {"count": 1100})["ids"]
    seen, state, rounds = [], None, 0
    while True:
        msg = only(sync(fe, state, mx=512))
        got = changes(msg)
        assert len(got) <= 512 and all(k == "Create" for k, _ in got)
        seen += [i for _, i in got]
        state = msg.findtext("m:SyncState", namespaces=NS)
        rounds += 1
        if msg.findtext("m:IncludesLastItemInRange", namespaces=NS) == "true":
            break
    assert rounds == 3 and seen == ids
    # an item written straight into the calendar (no invitation) shows in the next round
    new = fe.ctl("POST", "mailboxes/%s/items" % ROOM, {"subject": "Direct", "start": "2031-01-01T10:00:00Z",
                                                       "end": "2031-01-01T11:00:00Z"})
    assert changes(only(sync(fe, state))) == [("Create", new["id"])]


def test_find_and_sync_return_the_extended_property_when_asked(fe):
    mine, _ = created_id(create(fe, "Mine", "2030-10-01T10:00:00Z", "2030-10-01T11:00:00Z", ext="evt-9"))
    assert len(mine) >= 150
    theirs = fe.book(ORG, [ROOM], "Theirs", "2030-10-01T12:00:00Z", "2030-10-01T13:00:00Z")["rooms"][ROOM]["item_id"]
    extra = "<t:AdditionalProperties>%s</t:AdditionalProperties>" % EXT_URI
    _, items = found_items(find(fe, "2030-10-01T00:00:00Z", "2030-10-02T00:00:00Z", shape="IdOnly", extra=extra))
    got = {i.find("t:ItemId", NS).get("Id"): i.findtext("t:ExtendedProperty/t:Value", namespaces=NS) for i in items}
    assert got == {mine: "evt-9", theirs: None}
    msg = only(sync(fe, shape="IdOnly", extra=extra))
    got = {c.find("t:ItemId", NS).get("Id"): c.findtext("t:ExtendedProperty/t:Value", namespaces=NS)
           for c in msg.findall("m:Changes/t:Create/t:CalendarItem", NS)}
    assert got == {mine: "evt-9", theirs: None}


def test_series_keep_their_local_hour_across_daylight_saving(fe):
    """Weekly at 09:00 in Paris over the change of 31 March 2030: 08:00Z, then 07:00Z."""
    fe.book(ORG, [ROOM], "Paris", "2030-03-18T09:00:00", "2030-03-18T10:00:00", time_zone="Europe/Paris",
            recurrence={"type": "weekly", "count": 3})
    iid, _ = created_id(create(fe, "Created", "2030-03-19T08:00:00Z", "2030-03-19T08:30:00Z", extra=(
        '<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday</t:DaysOfWeek>'
        '</t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2030-03-19</t:StartDate>'
        '<t:NumberOfOccurrences>3</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>'
        '<t:StartTimeZone Id="Romance Standard Time"/>')))
    _, items = found_items(find(fe, "2030-03-01T00:00:00Z", "2030-05-01T00:00:00Z"))
    assert [i.findtext("t:Start", namespaces=NS) for i in items] == [
        "2030-03-18T08:00:00Z", "2030-03-19T08:00:00Z", "2030-03-25T08:00:00Z", "2030-03-26T08:00:00Z",
        "2030-04-01T07:00:00Z", "2030-04-02T07:00:00Z"]
    master = only(get_item(fe, '<t:ItemId Id="%s"/>' % iid)).find("m:Items/t:CalendarItem", NS)
    assert master.find("t:StartTimeZone", NS).get("Id") == "Romance Standard Time"
    only(create(fe, "Bad zone", "2030-03-19T08:00:00Z", "2030-03-19T08:30:00Z",
                extra='<t:StartTimeZone Id="Mars Standard Time"/>'), "ErrorTimeZone")
