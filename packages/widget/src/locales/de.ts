// German, one message a line in the order of `en` (i18n.ts); a plural message lists Intl.PluralRules categories.
export default `Eignungstests
Live
Verbindung wird wiederhergestellt…
Angefordert
Eingeladen
Geplant
In Bearbeitung
Abgeschlossen
Ergebnisse liegen vor
Abgelaufen
Storniert
Nicht erschienen
Entschuldigt
Abgelehnt
Geändert {0}
Fortschritt
Prüfung gebucht
Testzentrum
Online
Punktzahl
Stufe
Bestanden
Nicht bestanden
Eignung
hoch
mittel
niedrig
Teilergebnisse
Passung zu Stellen
primär
Bericht ansehen
Test starten
Fortsetzen
Abgeschlossen
Test senden
Test
Wird gesendet…
Test gesendet: {0}
Noch keine Tests.
Die Tests konnten nicht geladen werden.
Erneut versuchen
Tests werden geladen
(öffnet in einem neuen Tab)
Ihre Sitzung ist abgelaufen. Laden Sie die Seite neu, um fortzufahren.
Der Testdienst ist nicht erreichbar.
Der Anbieter hat diese Bestellung abgelehnt.
Der Anbieter ist gerade nicht erreichbar. Versuchen Sie es später erneut.
Etwas ist schiefgelaufen.
one:{0} Test|other:{0} Tests
Buchung storniert`;
