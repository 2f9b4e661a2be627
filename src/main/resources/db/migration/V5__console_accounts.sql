-- Console sign-in (issue 8): one account per member, signed in by email. Passwords are stored only as
-- bcrypt hashes. An email signs in to one org: the account row carries the org it belongs to.
create table console_account (
    email         text        not null,
    org_id        text        not null,
    member_id     text        not null,
    password_hash text        not null,
    updated_at    timestamptz not null,
    primary key (email),
    unique (org_id, member_id),
    foreign key (org_id, member_id) references member (org_id, id)
);
