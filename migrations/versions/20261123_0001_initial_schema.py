"""Initial schema: the whole domain model.

Participants and their names, instruments, treaty actions and source claims, requests and their history,
activities with visits / States / partners / experts / allocations, experts, organizations, projects,
contributions, legislative issues and findings, users, API tokens, the audit trail.

Reviewed by hand: every constraint carries a conventional name (models/base.py) so that later batch-mode
changes on SQLite can find it; the downgrade drops everything in reverse dependency order.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('short_title', sa.String(length=80), nullable=False),
    sa.Column('adopted_by', sa.String(length=120), nullable=False),
    sa.Column('adopted_date', sa.Date(), nullable=False),
    sa.Column('signature_closed_date', sa.Date(), nullable=True),
    sa.Column('supplements_id', sa.Integer(), nullable=True),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('days_after_threshold', sa.Integer(), nullable=False),
    sa.Column('days_after_later_deposit', sa.Integer(), nullable=False),
    sa.Column('eif_article', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('days_after_threshold >= 0 AND days_after_later_deposit >= 0', name=op.f('ck_instruments_days_not_negative')),
    sa.CheckConstraint('threshold > 0', name=op.f('ck_instruments_threshold_positive')),
    sa.ForeignKeyConstraint(['supplements_id'], ['instruments.id'], name=op.f('fk_instruments_supplements_id_instruments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instruments')),
    sa.UniqueConstraint('code', name=op.f('uq_instruments_code'))
    )
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_instruments_supplements_id'), ['supplements_id'], unique=False)

    op.create_table('legislative_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('article', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legislative_issues')),
    sa.UniqueConstraint('code', name=op.f('uq_legislative_issues_code'))
    )
    op.create_table('member_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('is_un_member', sa.Boolean(), nullable=False),
    sa.Column('regional_group', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('state', 'reio')", name=op.f('ck_member_states_kind_valid')),
    sa.CheckConstraint("regional_group IS NULL OR regional_group IN ('African', 'Asia-Pacific', 'Eastern European', 'Latin American and Caribbean', 'Western European and Others')", name=op.f('ck_member_states_regional_group_valid')),
    sa.CheckConstraint('length(code) = 3', name=op.f('ck_member_states_code_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_states')),
    sa.UniqueConstraint('code', name=op.f('uq_member_states_code')),
    sa.UniqueConstraint('name', name=op.f('uq_member_states_name'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_projects_dates_ordered')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_projects_reference_key')),
    sa.UniqueConstraint('title', name=op.f('uq_projects_title'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('mission', 'national_seminar', 'workshop', 'regional_meeting', 'subregional_meeting', 'expert_group_meeting', 'written_analysis', 'presentation', 'briefing', 'panel', 'treaty_event')", name=op.f('ck_activities_kind_valid')),
    sa.CheckConstraint("status IN ('planned', 'completed', 'cancelled')", name=op.f('ck_activities_status_valid')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_activities_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_activities_reference_key'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_project_id'), ['project_id'], unique=False)

    op.create_table('member_state_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_member_state_aliases_state_id_member_states'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_state_aliases')),
    sa.UniqueConstraint('key', name=op.f('uq_member_state_aliases_key'))
    )
    with op.batch_alter_table('member_state_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_state_aliases_state_id'), ['state_id'], unique=False)

    op.create_table('member_state_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_member_state_names_state_id_member_states'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_state_names')),
    sa.UniqueConstraint('state_id', 'valid_from', name='uq_member_state_names_state_from')
    )
    with op.batch_alter_table('member_state_names', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_state_names_state_id'), ['state_id'], unique=False)

    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('acronym', sa.String(length=30), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=True),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('donor_government', 'government', 'intergovernmental', 'un_entity', 'institute', 'non_governmental')", name=op.f('ck_organizations_kind_valid')),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_organizations_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('name', name=op.f('uq_organizations_name')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_organizations_reference_key'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_state_id'), ['state_id'], unique=False)

    op.create_table('treaty_action_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('name_as_printed', sa.String(length=120), nullable=False),
    sa.Column('locator', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.CheckConstraint("(kind = 'signature' AND category = 'signature') OR (kind <> 'signature' AND category = 'deposit')", name=op.f('ck_treaty_action_sources_category_matches_kind')),
    sa.CheckConstraint("category IN ('signature', 'deposit')", name=op.f('ck_treaty_action_sources_category_valid')),
    sa.CheckConstraint("kind IN ('signature', 'ratification', 'acceptance', 'approval', 'accession', 'succession')", name=op.f('ck_treaty_action_sources_kind_valid')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_treaty_action_sources_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_treaty_action_sources_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treaty_action_sources')),
    sa.UniqueConstraint('source', 'state_id', 'instrument_id', 'category', name='uq_treaty_action_sources_claim')
    )
    with op.batch_alter_table('treaty_action_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_treaty_action_sources_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_treaty_action_sources_state_id'), ['state_id'], unique=False)

    op.create_table('treaty_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'signature' AND category = 'signature') OR (kind <> 'signature' AND category = 'deposit')", name=op.f('ck_treaty_actions_category_matches_kind')),
    sa.CheckConstraint("category IN ('signature', 'deposit')", name=op.f('ck_treaty_actions_category_valid')),
    sa.CheckConstraint("kind IN ('signature', 'ratification', 'acceptance', 'approval', 'accession', 'succession')", name=op.f('ck_treaty_actions_kind_valid')),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_treaty_actions_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_treaty_actions_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treaty_actions')),
    sa.UniqueConstraint('state_id', 'instrument_id', 'category', name='uq_treaty_actions_state_instrument_category')
    )
    with op.batch_alter_table('treaty_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_treaty_actions_action_date'), ['action_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_treaty_actions_instrument_id'), ['instrument_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_treaty_actions_state_id'), ['state_id'], unique=False)

    op.create_table('activity_instruments',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_instruments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_activity_instruments_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('activity_id', 'instrument_id', name=op.f('pk_activity_instruments'))
    )
    with op.batch_alter_table('activity_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_instruments_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('activity_other_instruments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_other_instruments_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_other_instruments')),
    sa.UniqueConstraint('activity_id', 'name', name='uq_activity_other_instruments_name')
    )
    with op.batch_alter_table('activity_other_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_other_instruments_activity_id'), ['activity_id'], unique=False)

    op.create_table('activity_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_partners_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_activity_partners_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_partners')),
    sa.UniqueConstraint('activity_id', 'organization_id', name='uq_activity_partners_org')
    )
    with op.batch_alter_table('activity_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_partners_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_partners_organization_id'), ['organization_id'], unique=False)

    op.create_table('activity_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('served', 'participant')", name=op.f('ck_activity_states_role_valid')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_states_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_activity_states_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_states')),
    sa.UniqueConstraint('activity_id', 'state_id', name='uq_activity_states_activity_state')
    )
    with op.batch_alter_table('activity_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_states_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_states_state_id'), ['state_id'], unique=False)

    op.create_table('activity_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('city', sa.String(length=80), nullable=True),
    sa.Column('country_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('date_precision', sa.String(length=10), nullable=False),
    sa.CheckConstraint("date_precision IN ('day', 'month')", name=op.f('ck_activity_visits_date_precision_valid')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_activity_visits_dates_ordered')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_visits_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['country_id'], ['member_states.id'], name=op.f('fk_activity_visits_country_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_visits'))
    )
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_visits_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_visits_country_id'), ['country_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_visits_start_date'), ['start_date'], unique=False)

    op.create_table('contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('contribution_date', sa.Date(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pledged', 'committed', 'received')", name=op.f('ck_contributions_status_valid')),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_contributions_amount_not_negative')),
    sa.CheckConstraint('amount IS NULL OR currency IS NOT NULL', name=op.f('ck_contributions_amount_has_currency')),
    sa.CheckConstraint('currency IS NULL OR length(currency) = 3', name=op.f('ck_contributions_currency_iso4217')),
    sa.CheckConstraint('period_end IS NULL OR period_start IS NULL OR period_end >= period_start', name=op.f('ck_contributions_period_ordered')),
    sa.ForeignKeyConstraint(['donor_id'], ['organizations.id'], name=op.f('fk_contributions_donor_id_organizations')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_contributions_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contributions')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_contributions_reference_key'))
    )
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contributions_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contributions_project_id'), ['project_id'], unique=False)

    op.create_table('experts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('affiliation_id', sa.Integer(), nullable=True),
    sa.Column('nationality_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('legal_tradition', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('centre_staff', 'consultant', 'national_expert', 'international_organization')", name=op.f('ck_experts_kind_valid')),
    sa.CheckConstraint("legal_tradition IS NULL OR legal_tradition IN ('common_law', 'civil_law', 'islamic_law', 'mixed')", name=op.f('ck_experts_legal_tradition_valid')),
    sa.ForeignKeyConstraint(['affiliation_id'], ['organizations.id'], name=op.f('fk_experts_affiliation_id_organizations')),
    sa.ForeignKeyConstraint(['nationality_id'], ['member_states.id'], name=op.f('fk_experts_nationality_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_experts_reference_key'))
    )
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experts_affiliation_id'), ['affiliation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_nationality_id'), ['nationality_id'], unique=False)

    op.create_table('legislative_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('identified', 'advice_given', 'draft_law', 'enacted')", name=op.f('ck_legislative_findings_status_valid')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_legislative_findings_activity_id_activities')),
    sa.ForeignKeyConstraint(['issue_id'], ['legislative_issues.id'], name=op.f('fk_legislative_findings_issue_id_legislative_issues')),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_legislative_findings_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legislative_findings')),
    sa.UniqueConstraint('state_id', 'issue_id', name='uq_legislative_findings_state_issue')
    )
    with op.batch_alter_table('legislative_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legislative_findings_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legislative_findings_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legislative_findings_state_id'), ['state_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'donor' OR donor_id IS NOT NULL", name=op.f('ck_users_donor_has_donor')),
    sa.CheckConstraint("role IN ('officer', 'manager', 'donor', 'admin')", name=op.f('ck_users_role_valid')),
    sa.ForeignKeyConstraint(['donor_id'], ['organizations.id'], name=op.f('fk_users_donor_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_donor_id'), ['donor_id'], unique=False)

    op.create_table('allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_allocations_amount_not_negative')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_allocations_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_allocations_contribution_id_contributions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocations')),
    sa.UniqueConstraint('contribution_id', 'activity_id', name='uq_allocations_contribution_activity')
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allocations_contribution_id'), ['contribution_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('assistance_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('state_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('received_date', sa.Date(), nullable=True),
    sa.Column('channel', sa.String(length=30), nullable=True),
    sa.Column('requesting_authority', sa.String(length=200), nullable=True),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('assigned_officer_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IS NULL OR channel IN ('note_verbale', 'letter', 'permanent_mission', 'field_office', 'email', 'meeting')", name=op.f('ck_assistance_requests_channel_valid')),
    sa.CheckConstraint("kind IN ('legislative_assistance', 'legislative_review', 'training', 'advisory_mission', 'institution_building', 'other')", name=op.f('ck_assistance_requests_kind_valid')),
    sa.CheckConstraint("priority IN ('low', 'normal', 'high', 'urgent')", name=op.f('ck_assistance_requests_priority_valid')),
    sa.CheckConstraint("status IN ('pending', 'under_review', 'approved', 'in_progress', 'completed', 'declined', 'withdrawn')", name=op.f('ck_assistance_requests_status_valid')),
    sa.CheckConstraint('due_date IS NULL OR received_date IS NULL OR due_date >= received_date', name=op.f('ck_assistance_requests_due_after_received')),
    sa.ForeignKeyConstraint(['assigned_officer_id'], ['users.id'], name=op.f('fk_assistance_requests_assigned_officer_id_users')),
    sa.ForeignKeyConstraint(['state_id'], ['member_states.id'], name=op.f('fk_assistance_requests_state_id_member_states')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_requests')),
    sa.UniqueConstraint('reference_key', name=op.f('uq_assistance_requests_reference_key'))
    )
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_requests_assigned_officer_id'), ['assigned_officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_received_date'), ['received_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_state_id'), ['state_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assistance_requests_status'), ['status'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('record_type', sa.String(length=60), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index('ix_audit_entries_record', ['record_type', 'record_id'], unique=False)

    op.create_table('contribution_instruments',
    sa.Column('contribution_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contribution_id'], ['contributions.id'], name=op.f('fk_contribution_instruments_contribution_id_contributions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_contribution_instruments_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('contribution_id', 'instrument_id', name=op.f('pk_contribution_instruments'))
    )
    with op.batch_alter_table('contribution_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contribution_instruments_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_deployments_dates_ordered')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_deployments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_deployments_expert_id_experts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployments')),
    sa.UniqueConstraint('expert_id', 'activity_id', name='uq_deployments_expert_activity')
    )
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deployments_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deployments_expert_id'), ['expert_id'], unique=False)

    op.create_table('expert_instruments',
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_expert_instruments_expert_id_experts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_expert_instruments_instrument_id_instruments')),
    sa.PrimaryKeyConstraint('expert_id', 'instrument_id', name=op.f('pk_expert_instruments'))
    )
    with op.batch_alter_table('expert_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_instruments_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('finding_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('identified', 'advice_given', 'draft_law', 'enacted')", name=op.f('ck_finding_status_changes_status_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_finding_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['finding_id'], ['legislative_findings.id'], name=op.f('fk_finding_status_changes_finding_id_legislative_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_status_changes'))
    )
    with op.batch_alter_table('finding_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_status_changes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_status_changes_finding_id'), ['finding_id'], unique=False)

    op.create_table('activity_requests',
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_requests_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_activity_requests_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'request_id', name=op.f('pk_activity_requests'))
    )
    with op.batch_alter_table('activity_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_requests_request_id'), ['request_id'], unique=False)

    op.create_table('assistance_request_instruments',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('instrument_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instruments.id'], name=op.f('fk_assistance_request_instruments_instrument_id_instruments')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_assistance_request_instruments_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'instrument_id', name=op.f('pk_assistance_request_instruments'))
    )
    with op.batch_alter_table('assistance_request_instruments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_request_instruments_instrument_id'), ['instrument_id'], unique=False)

    op.create_table('request_status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("from_status IS NULL OR from_status IN ('pending', 'under_review', 'approved', 'in_progress', 'completed', 'declined', 'withdrawn')", name=op.f('ck_request_status_changes_from_status_valid')),
    sa.CheckConstraint("to_status IN ('pending', 'under_review', 'approved', 'in_progress', 'completed', 'declined', 'withdrawn')", name=op.f('ck_request_status_changes_to_status_valid')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_request_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['assistance_requests.id'], name=op.f('fk_request_status_changes_request_id_assistance_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_status_changes'))
    )
    with op.batch_alter_table('request_status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_status_changes_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_status_changes_request_id'), ['request_id'], unique=False)



def downgrade():
    with op.batch_alter_table('request_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_status_changes_request_id'))
        batch_op.drop_index(batch_op.f('ix_request_status_changes_actor_id'))

    op.drop_table('request_status_changes')
    with op.batch_alter_table('assistance_request_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_request_instruments_instrument_id'))

    op.drop_table('assistance_request_instruments')
    with op.batch_alter_table('activity_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_requests_request_id'))

    op.drop_table('activity_requests')
    with op.batch_alter_table('finding_status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_status_changes_finding_id'))
        batch_op.drop_index(batch_op.f('ix_finding_status_changes_actor_id'))

    op.drop_table('finding_status_changes')
    with op.batch_alter_table('expert_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_instruments_instrument_id'))

    op.drop_table('expert_instruments')
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deployments_expert_id'))
        batch_op.drop_index(batch_op.f('ix_deployments_activity_id'))

    op.drop_table('deployments')
    with op.batch_alter_table('contribution_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contribution_instruments_instrument_id'))

    op.drop_table('contribution_instruments')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_record')
        batch_op.drop_index(batch_op.f('ix_audit_entries_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('assistance_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assistance_requests_status'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_state_id'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_received_date'))
        batch_op.drop_index(batch_op.f('ix_assistance_requests_assigned_officer_id'))

    op.drop_table('assistance_requests')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_contribution_id'))
        batch_op.drop_index(batch_op.f('ix_allocations_activity_id'))

    op.drop_table('allocations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_donor_id'))

    op.drop_table('users')
    with op.batch_alter_table('legislative_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legislative_findings_state_id'))
        batch_op.drop_index(batch_op.f('ix_legislative_findings_issue_id'))
        batch_op.drop_index(batch_op.f('ix_legislative_findings_activity_id'))

    op.drop_table('legislative_findings')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_nationality_id'))
        batch_op.drop_index(batch_op.f('ix_experts_name'))
        batch_op.drop_index(batch_op.f('ix_experts_affiliation_id'))

    op.drop_table('experts')
    with op.batch_alter_table('contributions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contributions_project_id'))
        batch_op.drop_index(batch_op.f('ix_contributions_donor_id'))

    op.drop_table('contributions')
    with op.batch_alter_table('activity_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_visits_start_date'))
        batch_op.drop_index(batch_op.f('ix_activity_visits_country_id'))
        batch_op.drop_index(batch_op.f('ix_activity_visits_activity_id'))

    op.drop_table('activity_visits')
    with op.batch_alter_table('activity_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_states_state_id'))
        batch_op.drop_index(batch_op.f('ix_activity_states_activity_id'))

    op.drop_table('activity_states')
    with op.batch_alter_table('activity_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_partners_organization_id'))
        batch_op.drop_index(batch_op.f('ix_activity_partners_activity_id'))

    op.drop_table('activity_partners')
    with op.batch_alter_table('activity_other_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_other_instruments_activity_id'))

    op.drop_table('activity_other_instruments')
    with op.batch_alter_table('activity_instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_instruments_instrument_id'))

    op.drop_table('activity_instruments')
    with op.batch_alter_table('treaty_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_treaty_actions_state_id'))
        batch_op.drop_index(batch_op.f('ix_treaty_actions_instrument_id'))
        batch_op.drop_index(batch_op.f('ix_treaty_actions_action_date'))

    op.drop_table('treaty_actions')
    with op.batch_alter_table('treaty_action_sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_treaty_action_sources_state_id'))
        batch_op.drop_index(batch_op.f('ix_treaty_action_sources_instrument_id'))

    op.drop_table('treaty_action_sources')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_state_id'))

    op.drop_table('organizations')
    with op.batch_alter_table('member_state_names', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_state_names_state_id'))

    op.drop_table('member_state_names')
    with op.batch_alter_table('member_state_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_state_aliases_state_id'))

    op.drop_table('member_state_aliases')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_project_id'))
        batch_op.drop_index(batch_op.f('ix_activities_kind'))

    op.drop_table('activities')
    op.drop_table('projects')
    op.drop_table('member_states')
    op.drop_table('legislative_issues')
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instruments_supplements_id'))

    op.drop_table('instruments')
