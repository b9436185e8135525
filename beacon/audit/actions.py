"""Every action the audit trail knows, with the words an administrator reads.

record_event() refuses an action that is not listed, so a typo cannot hide an event from filters.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # Sign-in and sessions
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.locked_out": _("Sign-in refused: locked out"),
    "auth.logout": _("Signed out"),
    "auth.session_expired": _("Session ended (time limit)"),
    "auth.sessions_ended": _("Sessions ended"),
    "auth.password_reset_requested": _("Password reset requested"),
    "auth.password_reset": _("Password reset"),
    "auth.password_changed": _("Password changed"),
    "auth.token_created": _("API token created"),
    "auth.token_revoked": _("API token revoked"),
    "auth.token_invalid": _("Invalid API token presented"),
    "auth.token_refused": _("API token refused: made before a security change, or MFA missing"),
    # Multi-factor authentication
    "mfa.enrolled": _("MFA enrolled"),
    "mfa.verified": _("MFA code accepted"),
    "mfa.failed": _("MFA code refused"),
    "mfa.recovery_code_used": _("MFA recovery code used"),
    "mfa.recovery_codes_generated": _("MFA recovery codes generated"),
    "mfa.reset": _("MFA reset"),
    # Organizations, people and roles
    "organization.created": _("Organization created"),
    "organization.settings_changed": _("Organization settings changed"),
    "organization.switched": _("Switched organization"),
    "user.created": _("User created"),
    "user.profile_changed": _("Profile changed"),
    "membership.created": _("Member added"),
    "membership.role_changed": _("Role changed"),
    "membership.deactivated": _("Member deactivated"),
    "membership.reactivated": _("Member reactivated"),
    "invitation.sent": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.revoked": _("Invitation revoked"),
    # Participants and caseloads
    "participant.enrolled": _("Participant enrolled"),
    "participant.updated": _("Participant record changed"),
    "participant.discharged": _("Participant discharged"),
    "participant.readmitted": _("Participant enrolled again"),
    "participant.merged": _("Duplicate records merged"),
    "participant.account_linked": _("Participant's own sign-in linked to their record"),
    # Every read of a participant's record, timeline, encounters or consents; details say what.
    "participant.viewed": _("Participant record viewed"),
    "population.created": _("Priority population added"),
    "caseload.assigned": _("Peer assigned"),
    "caseload.ended": _("Peer assignment ended"),
    # Consent (42 CFR Part 2)
    "consent.recorded": _("Consent recorded"),
    "consent.recipient_revoked": _("Consent revoked for a recipient"),
    "consent.revoked": _("Consent revoked"),
    # Encounters
    "encounter.logged": _("Encounter logged"),
    "encounter.corrected": _("Encounter note corrected"),
    "notification.read": _("Notification read"),
    # Crisis flags (beacon/crisis): follow-through and escalation
    "crisis_flag.raised": _("Crisis flag raised"),
    "crisis_flag.acknowledged": _("Crisis flag acknowledged"),
    "crisis_flag.action_recorded": _("Crisis flag: action recorded"),
    "crisis_flag.resolved": _("Crisis flag resolved"),
    "crisis_flag.escalated": _("Crisis flag escalated (not acknowledged in time)"),
    # Recovery plans and wellness plans
    "plan.created": _("Recovery plan started"),
    "plan.updated": _("Recovery plan changed"),
    "plan.reviewed": _("Recovery plan reviewed"),
    "goal.added": _("Goal added"),
    "goal.updated": _("Goal changed"),
    "goal.step_added": _("Action step added"),
    "goal.step_updated": _("Action step changed"),
    "goal.progress_noted": _("Progress noted on a goal"),
    "wellness_plan.saved": _("Wellness plan saved"),
    # Assessments and questionnaires
    "assessment.recorded": _("Assessment recorded"),
    "questionnaire.created": _("Questionnaire created"),
    "questionnaire.published": _("Questionnaire version published"),
    "questionnaire.retired": _("Questionnaire retired"),
    # Resource directory
    "directory.imported": _("Resource directory imported"),
    "directory.exported": _("Resource directory exported"),
    "directory.import_requested": _("Resource directory import requested"),
    "directory.import_stopped": _("Resource directory import stopped with its worker"),
    "directory.service_updated": _("Directory entry changed"),
    "directory.service_verified": _("Directory entry verified"),
    "directory.service_merged": _("Duplicate directory entries merged"),
    # Find Help: public reports and submissions (no actor), and their moderation
    "findhelp.problem_reported": _("Problem with a directory entry reported"),
    "findhelp.problem_resolved": _("Reported problem resolved"),
    "findhelp.submission_received": _("Organization information submitted"),
    "findhelp.submission_accepted": _("Submitted organization information accepted"),
    "findhelp.submission_rejected": _("Submitted organization information rejected"),
    # Referrals and disclosures
    "referral.sent": _("Referral sent"),
    "referral.status_changed": _("Referral status changed"),
    "referral.viewed": _("Referral viewed by the receiving organization"),
    "referral.emailed": _("Referral sent by email to the provider"),
    "disclosure.recorded": _("Disclosure recorded"),
    "resource.shared": _("Directory service shared with a participant"),
    "resource.unshared": _("Directory service no longer shared with a participant"),
    # Workforce: credentials, trainings, hours, wellbeing (never a check-in's contents)
    "credential_definition.created": _("Credential definition created"),
    "credential_definition.updated": _("Credential definition changed"),
    "credential.added": _("Credential added"),
    "credential.updated": _("Credential changed"),
    "credential.reminder_sent": _("Certification renewal reminder sent"),
    "training.recorded": _("Training recorded"),
    "training.updated": _("Training changed"),
    "training.deleted": _("Training removed"),
    "training.certificate_viewed": _("Training certificate opened"),
    "workforce.hours_exported": _("Hours log downloaded"),
    "wellbeing.checked_in": _("Wellbeing check-in made"),
    "wellbeing.shared": _("Wellbeing check-in shared"),
    "wellbeing.unshared": _("Wellbeing check-in no longer shared"),
    "wellbeing.deleted": _("Wellbeing check-in deleted"),
    # Supervision and note review
    "supervision.session_recorded": _("Supervision session recorded"),
    "supervision.session_changed": _("Supervision session changed"),
    "supervision.session_removed": _("Supervision session removed (recorded in error)"),
    "note_review.commented": _("Comment on an encounter note"),
    "note_review.cosigned": _("Encounter note co-signed"),
    # Support groups (attendance events name participants by id only)
    "group.created": _("Group created"),
    "group.updated": _("Group changed"),
    "group.sessions_generated": _("Group sessions scheduled"),
    "group.enrolled": _("Participant enrolled in a group"),
    "group.enrollment_ended": _("Group enrolment ended"),
    "group_session.moved": _("Group session moved"),
    "group_session.cancelled": _("Group session cancelled"),
    "group_session.attendance_recorded": _("Group attendance recorded"),
    "group_session.walk_in_added": _("Walk-in added to a group session"),
    "calendar_feed.created": _("Calendar feed address made"),
    "calendar_feed.revoked": _("Calendar feed address stopped"),
    # Access control
    "access.refused": _("Access refused"),
    # The trail itself: every download of it is an entry (issue 15)
    "audit.exported": _("Audit trail downloaded"),
}

# Kinds of action, for the trail's filter: the part of an action's name before the dot.
KINDS = {
    "auth": _("Sign-in and sessions"),
    "mfa": _("Two-step sign-in"),
    "organization": _("Organization"),
    "user": _("People"),
    "membership": _("Members and roles"),
    "invitation": _("Invitations"),
    "participant": _("Participant records (reads and changes)"),
    "caseload": _("Caseloads"),
    "consent": _("Consents"),
    "encounter": _("Encounters"),
    "note_review": _("Note review"),
    "plan": _("Recovery plans"),
    "goal": _("Goals and action steps"),
    "wellness_plan": _("Wellness plans"),
    "assessment": _("Assessments"),
    "referral": _("Referrals"),
    "disclosure": _("Disclosures"),
    "resource": _("Services shared with participants"),
    "group": _("Groups"),
    "group_session": _("Group sessions"),
    "supervision": _("Supervision"),
    "directory": _("Resource directory"),
    "findhelp": _("Find Help"),
    "access": _("Refused access"),
    "audit": _("The audit trail"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
