// Texts of a company's support portal (portal/), in en/fr/ru: registered by portal/main.jsx.
// Each entry is [en, fr, ru], every one translated (tests/browser/i18n.test.mjs fails on a missing
// one, or on a text used outside the area whose table holds it).
import { addStrings } from '../lib/i18n.js';

export const STRINGS = {
	portalTitle: ['Support portal', 'Portail d’assistance', 'Портал поддержки'],
	portalAsked: ['You asked for the support portal at {address}.', 'Vous avez demandé le portail d’assistance à l’adresse {address}.', 'Вы открыли портал поддержки по адресу {address}.'],
	portalNotYet: ['This server does not offer company support portals yet, so there is nothing to open here.', 'Ce serveur ne propose pas encore de portails d’assistance pour les entreprises : il n’y a rien à ouvrir ici.', 'Этот сервер пока не предоставляет порталы поддержки компаний, поэтому здесь нечего открыть.'],
	portalNone: ['No portal was named in the address.', 'L’adresse ne nomme aucun portail.', 'В адресе не указан портал.'],
};
addStrings(STRINGS);
