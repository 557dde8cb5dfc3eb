// Texts of a room's door screen (display/), in en/fr/ru: registered by DisplayPage.jsx, in the
// door screen's own chunk.
// Each entry is [en, fr, ru], every one translated (tests/browser/i18n.test.mjs fails on a missing
// one, or on a text used outside the area whose table holds it).
import { addStrings } from '../lib/i18n.js';

export const STRINGS = {
	// the door screen (web/src/display)
	door_title: ['Room display', 'Écran de salle', 'Экран переговорной'],
	door_join: ['Join online', 'Rejoindre en ligne', 'Подключиться онлайн'],
	door_joinQr: ['QR code of the join link: scan it to join online', 'Code QR du lien : scannez-le pour rejoindre en ligne', 'QR-код ссылки: отсканируйте, чтобы подключиться'],
	door_free: ['Free', 'Libre', 'Свободна'],
	door_busy: ['Busy', 'Occupée', 'Занята'],
	door_freeUntil: ['Free until {time}', 'Libre jusqu’à {time}', 'Свободна до {time}'],
	door_freeAllDay: ['Free for the rest of the day', 'Libre pour le reste de la journée', 'Свободна до конца дня'],
	door_until: ['Until {time}', 'Jusqu’à {time}', 'До {time}'],
	door_minLeft: ['{n} min left', 'encore {n} min', 'осталось {n} мин'],
	door_hLeft: ['{h} h {m} min left', 'encore {h} h {m} min', 'осталось {h} ч {m} мин'],
	door_organizer: ['Organizer', 'Organisateur', 'Организатор'],
	door_next: ['Next', 'Ensuite', 'Далее'],
	door_later: ['Later today', 'Plus tard aujourd’hui', 'Позже сегодня'],
	door_nothingLater: ['Nothing else today', 'Rien d’autre aujourd’hui', 'Сегодня больше ничего'],
	door_checkIn: ['Check in', 'Je suis là', 'Отметиться'],
	door_checkInBy: ['Check in by {time} or the room is released', 'Confirmez avant {time}, sinon la salle est libérée', 'Отметьтесь до {time}, иначе бронь снимется'],
	door_checkedIn: ['Checked in', 'Présence confirmée', 'Отмечено'],
	door_endNow: ['End now', 'Terminer maintenant', 'Завершить сейчас'],
	door_endConfirm: ['End this meeting now and free the room?', 'Terminer cette réunion et libérer la salle ?', 'Завершить встречу и освободить переговорную?'],
	door_endYes: ['Yes, end it', 'Oui, terminer', 'Да, завершить'],
	door_keep: ['No, keep it', 'Non, continuer', 'Нет, оставить'],
	door_bookNow: ['Book now', 'Réserver maintenant', 'Забронировать сейчас'],
	door_minutes: ['{n} min', '{n} min', '{n} мин'],
	door_failed: ['That did not work: {detail}', 'Cela n’a pas fonctionné : {detail}', 'Не получилось: {detail}'],
	door_gone: ['This screen is not connected', 'Cet écran n’est pas connecté', 'Этот экран не подключён'],
	door_goneHint: ['Its address is unknown or has been revoked. An administrator can create a new display address for the room.', 'Son adresse est inconnue ou a été révoquée. Un administrateur peut créer une nouvelle adresse d’écran pour la salle.', 'Его адрес неизвестен или отозван. Администратор может создать для переговорной новый адрес экрана.'],
	door_retrying: ['Trying again every 30 seconds.', 'Nouvel essai toutes les 30 secondes.', 'Повторная попытка каждые 30 секунд.'],
	door_offline: ['Connection lost — reconnecting…', 'Connexion perdue — reconnexion…', 'Связь потеряна — переподключение…'],
};
addStrings(STRINGS);
