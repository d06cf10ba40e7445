// French, one message a line in the order of `en` (i18n.ts); a plural message lists Intl.PluralRules categories.
export default `Évaluations
En direct
Reconnexion…
Demandée
Invitation envoyée
Planifiée
En cours
Terminée
Résultats disponibles
Expirée
Annulée
Absent
Absence excusée
Refusée
Mise à jour {0}
Progression
Examen réservé
Centre d'examen
À distance
Score
Catégorie
Réussi
Non réussi
Adéquation
élevée
moyenne
faible
Sous-scores
Adéquation aux postes
principal
Voir le rapport
Commencer l'évaluation
Continuer
Terminée
Envoyer une évaluation
Évaluation
Envoi…
Évaluation envoyée : {0}
Aucune évaluation pour l'instant.
Impossible de charger les évaluations.
Réessayer
Chargement des évaluations
(s'ouvre dans un nouvel onglet)
Votre session a expiré. Rechargez la page pour continuer.
Le service d'évaluation est injoignable.
Le fournisseur a refusé cette commande.
Le fournisseur est injoignable pour le moment. Réessayez plus tard.
Une erreur est survenue.
one:{0} évaluation|many:{0} d'évaluations|other:{0} évaluations
Réservation annulée`;
