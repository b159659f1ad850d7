--
-- PostgreSQL database dump
--

\restrict iKjM9bFwRTsV3CaJxPuF3f9aScCRMRw3a4YE19maj0qyP89yhoA7D8Ko4LjcrlM

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: access_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.access_changes (
    tenant_id uuid NOT NULL,
    version bigint NOT NULL,
    change text NOT NULL,
    at timestamp with time zone NOT NULL
);


--
-- Name: api_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_keys (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL,
    role text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    role_ids jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT api_keys_role_check CHECK ((role = ANY (ARRAY['USER'::text, 'MANAGEMENT'::text, 'ADMIN'::text])))
);


--
-- Name: audit_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_entries (
    tenant_id uuid NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    target_type text,
    target_id text,
    request_id text,
    fields jsonb NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);


--
-- Name: audit_heads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_heads (
    tenant_id uuid NOT NULL,
    seq bigint NOT NULL,
    hash text NOT NULL
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    key text NOT NULL,
    request_hash text NOT NULL,
    tenant_id uuid NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: organization_domains; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.organization_domains (
    tenant_id uuid NOT NULL,
    domain text NOT NULL,
    party_id uuid NOT NULL
);


--
-- Name: parties; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.parties (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    kind text NOT NULL,
    first_name text,
    last_name text,
    name text,
    email text,
    phone text,
    website text,
    email_domains jsonb NOT NULL,
    note text,
    customer_type text,
    roles jsonb NOT NULL,
    properties jsonb NOT NULL,
    state text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version bigint NOT NULL,
    email_key text,
    first_key text,
    last_key text,
    name_key text NOT NULL,
    CONSTRAINT parties_kind_check CHECK ((kind = ANY (ARRAY['person'::text, 'organization'::text]))),
    CONSTRAINT parties_state_check CHECK ((state = ANY (ARRAY['active'::text, 'suspended'::text, 'archived'::text, 'deleted'::text])))
);


--
-- Name: partner_accounts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.partner_accounts (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    partner_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    username text NOT NULL,
    secret text NOT NULL,
    active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: party_closure; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.party_closure (
    tenant_id uuid NOT NULL,
    type text NOT NULL,
    ancestor_id uuid NOT NULL,
    descendant_id uuid NOT NULL,
    depth integer NOT NULL,
    paths bigint NOT NULL
);


--
-- Name: party_roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.party_roles (
    tenant_id uuid NOT NULL,
    party_id uuid NOT NULL,
    role text NOT NULL
);


--
-- Name: party_state_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.party_state_history (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    party_id uuid NOT NULL,
    from_state text,
    to_state text NOT NULL,
    at timestamp with time zone NOT NULL,
    actor text NOT NULL,
    reason text
);


--
-- Name: party_tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.party_tags (
    tenant_id uuid NOT NULL,
    party_id uuid NOT NULL,
    tag_id uuid NOT NULL
);


--
-- Name: platform_tokens; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.platform_tokens (
    id text NOT NULL,
    name text NOT NULL,
    token_hash text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: provisioning; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.provisioning (
    tenant_id uuid NOT NULL,
    state jsonb NOT NULL,
    due_at timestamp with time zone,
    lease_owner text,
    lease_until timestamp with time zone,
    version integer NOT NULL
);


--
-- Name: relationship_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.relationship_history (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    parent_id uuid NOT NULL,
    child_id uuid NOT NULL,
    type text NOT NULL,
    role text,
    valid_from timestamp with time zone,
    valid_to timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    removed_at timestamp with time zone
);


--
-- Name: relationships; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.relationships (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    parent_id uuid NOT NULL,
    child_id uuid NOT NULL,
    type text NOT NULL,
    role text,
    valid_from timestamp with time zone,
    valid_to timestamp with time zone,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: role_grant_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role_grant_history (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role_id uuid NOT NULL,
    granted_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone
);


--
-- Name: roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.roles (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    name_key text NOT NULL,
    policies jsonb NOT NULL,
    organization_id uuid,
    relationship_type text,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: roster_settings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.roster_settings (
    name text NOT NULL,
    value text NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version bigint NOT NULL,
    name text NOT NULL,
    applied_at bigint NOT NULL
);


--
-- Name: segments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.segments (
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    rules jsonb NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: tags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tags (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    text text NOT NULL,
    text_key text NOT NULL,
    color text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: tenants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tenants (
    id uuid NOT NULL,
    slug text NOT NULL,
    name text NOT NULL,
    status text NOT NULL,
    settings jsonb NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version bigint NOT NULL,
    access_version bigint DEFAULT 0 NOT NULL
);


--
-- Name: user_roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_roles (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role_id uuid NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    tenant_id uuid NOT NULL,
    id uuid NOT NULL,
    email text,
    sso_issuer text,
    sso_subject text,
    employee_id text,
    display_name text,
    designation text,
    department text,
    role text NOT NULL,
    is_active boolean NOT NULL,
    party_id uuid,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    version bigint NOT NULL,
    email_key text,
    employee_key text,
    display_key text,
    designation_key text,
    department_key text,
    CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['USER'::text, 'MANAGEMENT'::text, 'ADMIN'::text])))
);


--
-- Data for Name: access_changes; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.access_changes VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 1, '{"edgeAdded":{"_0":{"childID":"01A23676-A1FF-719F-84D6-10F10238AD76","createdAt":1796210074126949,"id":"01A23676-A20E-7351-91D5-D0FE51127A6A","parentID":"01A23676-A1F8-7319-9562-009A85ECDBA7","role":"admin contact","tenantID":"01A23676-A1CC-729D-96A5-809E57A7D85A","type":"employment"}}}', '2026-12-02 11:14:34.133487+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 2, '{"edgeAdded":{"_0":{"childID":"01A23676-A247-72BF-8299-3BD748B954F3","createdAt":1796210074191644,"id":"01A23676-A24F-700E-8914-410B4F8547FB","parentID":"01A23676-A242-72AA-A4AD-77DB1BC6B34A","role":"admin contact","tenantID":"01A23676-A1CC-729D-96A5-809E57A7D85A","type":"employment"}}}', '2026-12-02 11:14:34.194807+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 1, '{"edgeAdded":{"_0":{"childID":"01A23676-A271-71AD-9A57-B9442F2DF1B3","createdAt":1796210074282083,"id":"01A23676-A2AA-7351-811A-FA8D598C206A","parentID":"01A23676-A260-720A-87CF-228FB426A37C","role":"customer","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"partnership"}}}', '2026-12-02 11:14:34.285903+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 2, '{"edgeAdded":{"_0":{"childID":"01A23676-A278-70D1-9DA0-77769770641C","createdAt":1796210074297815,"id":"01A23676-A2B9-7201-8125-E35E4DA273C0","parentID":"01A23676-A260-720A-87CF-228FB426A37C","role":"customer","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"partnership"}}}', '2026-12-02 11:14:34.301679+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 3, '{"edgeAdded":{"_0":{"childID":"01A23676-A286-7033-BDED-D70FF653005D","createdAt":1796210074313298,"id":"01A23676-A2C9-7132-826F-ABD27FA9135F","parentID":"01A23676-A260-720A-87CF-228FB426A37C","role":"customer","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"partnership"}}}', '2026-12-02 11:14:34.317003+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 4, '{"edgeAdded":{"_0":{"childID":"01A23676-A2EC-7322-8202-46E2B9622E22","createdAt":1796210074362150,"id":"01A23676-A2FA-7363-818F-E451889E6E4A","parentID":"01A23676-A2E4-71D3-B5ED-CA12FDAEFF03","role":"region","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.365925+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 5, '{"edgeAdded":{"_0":{"childID":"01A23676-A304-7169-8980-30E90E065BD1","createdAt":1796210074384011,"id":"01A23676-A310-718E-AAC6-A4562C4B4982","parentID":"01A23676-A2EC-7322-8202-46E2B9622E22","role":"farm","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.386968+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 6, '{"edgeAdded":{"_0":{"childID":"01A23676-A319-7375-8420-5DCC3DB17B0B","createdAt":1796210074407904,"id":"01A23676-A327-7133-A649-A729B878EFF4","parentID":"01A23676-A304-7169-8980-30E90E065BD1","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.412749+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 7, '{"edgeAdded":{"_0":{"childID":"01A23676-A332-722D-A6A2-25A08086398D","createdAt":1796210074432976,"id":"01A23676-A340-70B8-AF33-6C13047C774D","parentID":"01A23676-A304-7169-8980-30E90E065BD1","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.436581+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 8, '{"edgeAdded":{"_0":{"childID":"01A23676-A352-72A0-9092-B9BCB73015AC","createdAt":1796210074462570,"id":"01A23676-A35E-7192-B60F-C5073AF1C19C","parentID":"01A23676-A2EC-7322-8202-46E2B9622E22","role":"farm","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.46597+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 9, '{"edgeAdded":{"_0":{"childID":"01A23676-A367-734C-8722-81CBA7E6D548","createdAt":1796210074484384,"id":"01A23676-A374-70A1-A79F-CB63A7F910D9","parentID":"01A23676-A352-72A0-9092-B9BCB73015AC","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.487968+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 10, '{"edgeAdded":{"_0":{"childID":"01A23676-A37D-71F7-91CC-FCEF87113865","createdAt":1796210074506909,"id":"01A23676-A38A-71B7-910C-83C13C1B3AB5","parentID":"01A23676-A352-72A0-9092-B9BCB73015AC","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.510533+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 11, '{"edgeAdded":{"_0":{"childID":"01A23676-A393-7086-9E7D-51A12C905660","createdAt":1796210074528592,"id":"01A23676-A3A0-72CD-8F9B-DB9550A39568","parentID":"01A23676-A2E4-71D3-B5ED-CA12FDAEFF03","role":"region","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.532236+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 12, '{"edgeAdded":{"_0":{"childID":"01A23676-A3A9-7153-8B03-FDAC5A9477DA","createdAt":1796210074550651,"id":"01A23676-A3B6-704A-98B2-35EAC8943F79","parentID":"01A23676-A393-7086-9E7D-51A12C905660","role":"farm","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.554306+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 13, '{"edgeAdded":{"_0":{"childID":"01A23676-A3BF-7222-8F82-1B45D981FD42","createdAt":1796210074574332,"id":"01A23676-A3CE-71B5-8F3C-AAECB3592AA6","parentID":"01A23676-A3A9-7153-8B03-FDAC5A9477DA","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.577888+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 14, '{"edgeAdded":{"_0":{"childID":"01A23676-A3D7-72F3-A90E-F1EB3AEC7BC6","createdAt":1796210074597216,"id":"01A23676-A3E5-71C9-9D16-C827C3AA3C65","parentID":"01A23676-A3A9-7153-8B03-FDAC5A9477DA","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.600675+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 15, '{"edgeAdded":{"_0":{"childID":"01A23676-A3ED-728A-AE93-91B1D262492B","createdAt":1796210074618492,"id":"01A23676-A3FA-70A4-B053-3DF6DDCA6F07","parentID":"01A23676-A393-7086-9E7D-51A12C905660","role":"farm","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.621783+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 16, '{"edgeAdded":{"_0":{"childID":"01A23676-A403-7062-A580-B994B8BEAAD9","createdAt":1796210074644315,"id":"01A23676-A414-7133-86FA-5E9F13819A28","parentID":"01A23676-A3ED-728A-AE93-91B1D262492B","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.648166+00');
INSERT INTO public.access_changes VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 17, '{"edgeAdded":{"_0":{"childID":"01A23676-A41D-7378-97B9-99DB344E4D17","createdAt":1796210074668060,"id":"01A23676-A42C-73A8-AE85-2794CD96715B","parentID":"01A23676-A3ED-728A-AE93-91B1D262492B","role":"planter","tenantID":"01A23676-A1D9-70B1-AD49-900B9520C3F4","type":"structure"}}}', '2026-12-02 11:14:34.672629+00');


--
-- Data for Name: api_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.api_keys VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-d017-7343-acc5-48f9c1bf4935', 'fixture key', '7bxYOMzK', '21c413167efcb70d6514d2d5ea375861b5e2d8166145553472ed6afda245b40c', 'USER', '2026-12-02 11:14:45.911145+00', NULL, '[]');


--
-- Data for Name: audit_entries; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 1, 1796210074062688, 'system', 'tenant.create', 'tenant', '01a23676-a1cc-729d-96a5-809e57a7d85a', 'migrate', '["slug", "name", "settings"]', '0000000000000000000000000000000000000000000000000000000000000000', 'e19411a28a55082ba8b54642fb95c296811c6a93285850e8f28d7763b64008d3');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 1, 1796210074075739, 'system', 'tenant.create', 'tenant', '01a23676-a1d9-70b1-ad49-900b9520c3f4', 'demo', '["slug", "name", "settings", "admin"]', '0000000000000000000000000000000000000000000000000000000000000000', 'ae4068e87b519368a8ade5778b67e6144a35869db47f6a69a6ae35ecb62f70a2');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 2, 1796210074087849, 'system', 'party.create', 'party', '01a23676-a1e3-73e5-89ea-7ddce1957e27', 'demo', '["kind", "firstName", "lastName", "email"]', 'ae4068e87b519368a8ade5778b67e6144a35869db47f6a69a6ae35ecb62f70a2', '4789c1d0a364317cf3dbdb150b7b1937ab516289610a65a6ab4f837f5ca4f3cf');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 3, 1796210074089362, 'system', 'user.create', 'user', '01a23676-a1e7-71d9-97e6-47f00d432f74', 'demo', '["role", "isActive", "email", "displayName", "partyId"]', '4789c1d0a364317cf3dbdb150b7b1937ab516289610a65a6ab4f837f5ca4f3cf', '7976c1442fc40bfc9a1c42b998a564a0e88b4071ff41850ab290ca06a8b4728b');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 4, 1796210074096007, 'system', 'tenant.activate', 'tenant', '01a23676-a1d9-70b1-ad49-900b9520c3f4', 'demo', '["status"]', '7976c1442fc40bfc9a1c42b998a564a0e88b4071ff41850ab290ca06a8b4728b', 'c37c76cf7a4ecd71cdb67fd8fa9a688b73942b2021f6b5dfded278e6af1e0c9b');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 2, 1796210074108739, 'system', 'party.create', 'party', '01a23676-a1f8-7319-9562-009a85ecdba7', 'demo', '["kind", "name", "customerType", "roles", "properties"]', 'e19411a28a55082ba8b54642fb95c296811c6a93285850e8f28d7763b64008d3', 'd2bacd3a922cc86f1d6f206ff7cf82610141aac19222675fc37837258446b54f');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 3, 1796210074118858, 'system', 'party.create', 'party', '01a23676-a1ff-719f-84d6-10f10238ad76', 'demo', '["kind", "firstName", "lastName", "email", "roles"]', 'd2bacd3a922cc86f1d6f206ff7cf82610141aac19222675fc37837258446b54f', 'b02db61137cfbb1873d00a89896880e97d7dca620856896590c46def8421fdad');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 4, 1796210074134559, 'system', 'relationship.create', 'relationship', '01a23676-a20e-7351-91d5-d0fe51127a6a', 'demo', '["parentId", "childId", "type", "role"]', 'b02db61137cfbb1873d00a89896880e97d7dca620856896590c46def8421fdad', '494309fc7a559e4f61d2b1c5e68d0a7913a51beebecc2b360460e4a9212d05a0');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 5, 1796210074137422, 'system', 'tag.create', 'tag', '01a23676-a217-70a8-ad90-13b796c92340', 'demo', '["text", "color"]', '494309fc7a559e4f61d2b1c5e68d0a7913a51beebecc2b360460e4a9212d05a0', '3b17c9b8effe334d6ce2f4c9bcb939117e82ddddb36f0b8fd3cc53d47b8cccd7');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 6, 1796210074138343, 'system', 'party.tag', 'party', '01a23676-a1f8-7319-9562-009a85ecdba7', 'demo', '["tags"]', '3b17c9b8effe334d6ce2f4c9bcb939117e82ddddb36f0b8fd3cc53d47b8cccd7', 'd3f011b7d8038754920839228c5253e43534ee0f647c20eb3324aeb1857a515e');
INSERT INTO public.audit_entries VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 1, 1796210074152188, 'system', 'tenant.create', 'tenant', '01a23676-a226-71fb-a9d0-ab83e4220296', 'demo', '["slug", "name", "settings", "admin"]', '0000000000000000000000000000000000000000000000000000000000000000', '962bd6a25d6bf778fbfe30839842e4f717986106ffd6f9a9e9be3e2e0f7550f3');
INSERT INTO public.audit_entries VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 2, 1796210074163997, 'system', 'party.create', 'party', '01a23676-a230-721e-ba7a-0ba8cbe5c974', 'demo', '["kind", "firstName", "lastName", "email"]', '962bd6a25d6bf778fbfe30839842e4f717986106ffd6f9a9e9be3e2e0f7550f3', 'a3e2ce87934616e3b44676b644bd34da35714f9f85811e79be5c3156508b51a2');
INSERT INTO public.audit_entries VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 3, 1796210074164925, 'system', 'user.create', 'user', '01a23676-a234-7137-91e9-0b32398ac88c', 'demo', '["role", "isActive", "email", "displayName", "partyId"]', 'a3e2ce87934616e3b44676b644bd34da35714f9f85811e79be5c3156508b51a2', 'd66ae0493c95e4e4cd8db3817e3912a220092174de04c15b5b09238ad4e066bc');
INSERT INTO public.audit_entries VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 4, 1796210074171082, 'system', 'tenant.activate', 'tenant', '01a23676-a226-71fb-a9d0-ab83e4220296', 'demo', '["status"]', 'd66ae0493c95e4e4cd8db3817e3912a220092174de04c15b5b09238ad4e066bc', 'fdfbfea4c44f7dd1ebbe3f130bc7ceed5818972114e2478358339a1764746291');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 7, 1796210074182203, 'system', 'party.create', 'party', '01a23676-a242-72aa-a4ad-77db1bc6b34a', 'demo', '["kind", "name", "customerType", "roles", "properties"]', 'd3f011b7d8038754920839228c5253e43534ee0f647c20eb3324aeb1857a515e', 'da8c72a790ca0ea9bbf07d674bf31a2a6411443a01e46991b1eb0c22b5e4a04f');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 8, 1796210074187230, 'system', 'party.create', 'party', '01a23676-a247-72bf-8299-3bd748b954f3', 'demo', '["kind", "firstName", "lastName", "email", "roles"]', 'da8c72a790ca0ea9bbf07d674bf31a2a6411443a01e46991b1eb0c22b5e4a04f', '96ff9642caa379cbc3ae1942251077b4ba8e2c94e5a17b59a53ef4463c209a58');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 9, 1796210074195446, 'system', 'relationship.create', 'relationship', '01a23676-a24f-700e-8914-410b4f8547fb', 'demo', '["parentId", "childId", "type", "role"]', '96ff9642caa379cbc3ae1942251077b4ba8e2c94e5a17b59a53ef4463c209a58', 'a59aff75a55baa09a44c709d94a1a5e0a998e77f6db7d732f4415605be8d1ff0');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 10, 1796210074197799, 'system', 'party.tag', 'party', '01a23676-a242-72aa-a4ad-77db1bc6b34a', 'demo', '["tags"]', 'a59aff75a55baa09a44c709d94a1a5e0a998e77f6db7d732f4415605be8d1ff0', 'd7d9d0d3f031e4f892cf1f9ad810a5d1f39bc0962165d3937d4e1b39a8a0ed7e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 5, 1796210074213450, 'system', 'party.create', 'party', '01a23676-a260-720a-87cf-228fb426a37c', 'demo', '["kind", "name", "email", "phone", "website", "roles", "properties"]', 'c37c76cf7a4ecd71cdb67fd8fa9a688b73942b2021f6b5dfded278e6af1e0c9b', 'b6484623a6608750d51cdc68eafb2677291a759bf1b3b6607cc0497e362f5819');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 6, 1796210074221725, 'system', 'party.create', 'party', '01a23676-a269-71f8-ba79-47f82bed2661', 'demo', '["kind", "name", "phone", "website", "roles", "properties"]', 'b6484623a6608750d51cdc68eafb2677291a759bf1b3b6607cc0497e362f5819', '34713e6f224340c0518cefc013c31f8ed569559d7a997a8dfabf8d3611732432');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 7, 1796210074228534, 'system', 'party.create', 'party', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'demo', '["kind", "firstName", "lastName", "email", "phone", "customerType", "roles"]', '34713e6f224340c0518cefc013c31f8ed569559d7a997a8dfabf8d3611732432', 'eca01214c0084de0eda6857a870bf232c05dd7d5746a458985b3b04060c8c8cd');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 8, 1796210074235519, 'system', 'party.create', 'party', '01a23676-a278-70d1-9da0-77769770641c', 'demo', '["kind", "firstName", "lastName", "email", "phone", "customerType", "roles"]', 'eca01214c0084de0eda6857a870bf232c05dd7d5746a458985b3b04060c8c8cd', '560ad21374f3a5edd1adbbb4a2a1f90f376e8c9530fb4c40e9a9a30004c17290');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 9, 1796210074242334, 'system', 'party.create', 'party', '01a23676-a27f-7164-a597-4f6b1ae561fc', 'demo', '["kind", "firstName", "lastName", "email", "customerType", "roles"]', '560ad21374f3a5edd1adbbb4a2a1f90f376e8c9530fb4c40e9a9a30004c17290', 'e804d4cb05b04d34576b4e781a226217fe08e32c0ed89f6120a356fd8fbbf3f1');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 10, 1796210074249350, 'system', 'party.create', 'party', '01a23676-a286-7033-bded-d70ff653005d', 'demo', '["kind", "firstName", "lastName", "phone", "customerType", "roles"]', 'e804d4cb05b04d34576b4e781a226217fe08e32c0ed89f6120a356fd8fbbf3f1', '51e83371e0f91beb31933173a1a8c5140377d2f27348d43be2d059c523df76c0');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 11, 1796210074255819, 'system', 'party.create', 'party', '01a23676-a28d-70f8-9343-06a5a4cca76d', 'demo', '["kind", "firstName", "lastName", "customerType", "roles"]', '51e83371e0f91beb31933173a1a8c5140377d2f27348d43be2d059c523df76c0', 'fb13f524e3574b9fd733b081c4e10f5bd2265901e4e5475643c7ac37e60ce48a');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 12, 1796210074263453, 'system', 'party.create', 'party', '01a23676-a293-7127-8243-11e776c6a722', 'demo', '["kind", "firstName", "lastName", "email", "phone", "note", "roles", "properties"]', 'fb13f524e3574b9fd733b081c4e10f5bd2265901e4e5475643c7ac37e60ce48a', 'ff22c4a967e45d31d2801a389fbe6826f940c6e8bad2870c56250aa1a7d1edca');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 13, 1796210074271652, 'system', 'party.create', 'party', '01a23676-a29b-730b-8a0d-2ae243722dc0', 'demo', '["kind", "firstName", "lastName", "email", "roles"]', 'ff22c4a967e45d31d2801a389fbe6826f940c6e8bad2870c56250aa1a7d1edca', '25a76bf160c8a70ec6150a4d8fa6b71f1feceea14d910d4e82d000841a4d7588');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 14, 1796210074286672, 'system', 'relationship.create', 'relationship', '01a23676-a2aa-7351-811a-fa8d598c206a', 'demo', '["parentId", "childId", "type", "role"]', '25a76bf160c8a70ec6150a4d8fa6b71f1feceea14d910d4e82d000841a4d7588', 'bbff788e76cc4a3cc74ceab62e3644b7c5fc2bd3a4f35e9869345da4d7634f6e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 15, 1796210074302592, 'system', 'relationship.create', 'relationship', '01a23676-a2b9-7201-8125-e35e4da273c0', 'demo', '["parentId", "childId", "type", "role"]', 'bbff788e76cc4a3cc74ceab62e3644b7c5fc2bd3a4f35e9869345da4d7634f6e', '60b5238f2c82973aa8eb6ea1bd4e010c5d41c7a37b103238b0339bec9980b984');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 16, 1796210074317840, 'system', 'relationship.create', 'relationship', '01a23676-a2c9-7132-826f-abd27fa9135f', 'demo', '["parentId", "childId", "type", "role"]', '60b5238f2c82973aa8eb6ea1bd4e010c5d41c7a37b103238b0339bec9980b984', '2e83dd40223ba893a681170d3135114cc236f23d6948c559f79de46b5e5efe39');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 17, 1796210074327436, 'system', 'partner_account.create', 'partner_account', '01a23676-a2d6-7132-a0c4-574af1f5b41b', 'demo', '["partnerId", "customerId", "username", "secret", "active"]', '2e83dd40223ba893a681170d3135114cc236f23d6948c559f79de46b5e5efe39', '8dc9e8c8ab99b8d8dd3c3cb86fdfc6a09dd338ad6deb364a1890ba66e2111a91');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 18, 1796210074334552, 'system', 'partner_account.create', 'partner_account', '01a23676-a2dd-72bc-8af3-d3c099133779', 'demo', '["partnerId", "customerId", "username", "secret", "active"]', '8dc9e8c8ab99b8d8dd3c3cb86fdfc6a09dd338ad6deb364a1890ba66e2111a91', '6f34e1358f9d927a57669f86feaff14843fae6357c3a43fa13a1405990080a13');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 19, 1796210074343368, 'system', 'party.create', 'party', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', 'demo', '["kind", "name"]', '6f34e1358f9d927a57669f86feaff14843fae6357c3a43fa13a1405990080a13', '4ce07a9979b6a34bfd442f6fa1dc2a3f7475852ef5e34d512b27706ef1a93e6a');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 20, 1796210074351613, 'system', 'party.create', 'party', '01a23676-a2ec-7322-8202-46e2b9622e22', 'demo', '["kind", "name"]', '4ce07a9979b6a34bfd442f6fa1dc2a3f7475852ef5e34d512b27706ef1a93e6a', 'e95b4880d14a21305ebdab47810cb996fea2963940d7f6964e68fb4283162807');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 21, 1796210074366893, 'system', 'relationship.create', 'relationship', '01a23676-a2fa-7363-818f-e451889e6e4a', 'demo', '["parentId", "childId", "type", "role"]', 'e95b4880d14a21305ebdab47810cb996fea2963940d7f6964e68fb4283162807', 'aa56d214687bbad47e3183d5e13b94ba9fd38958b291b0c12f0cfe9a22b6e0a0');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 22, 1796210074375583, 'system', 'party.create', 'party', '01a23676-a304-7169-8980-30e90e065bd1', 'demo', '["kind", "name"]', 'aa56d214687bbad47e3183d5e13b94ba9fd38958b291b0c12f0cfe9a22b6e0a0', 'b834c4a527b992c8b203e86d19128a2c8f4d794ae3a634210e61a428e6074a0e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 23, 1796210074388069, 'system', 'relationship.create', 'relationship', '01a23676-a310-718e-aac6-a4562c4b4982', 'demo', '["parentId", "childId", "type", "role"]', 'b834c4a527b992c8b203e86d19128a2c8f4d794ae3a634210e61a428e6074a0e', 'c8ddf55120d4b6fe8807b7b7e0c0073d1fb30b0eda618effd51d3293ddcabaad');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 24, 1796210074397851, 'system', 'party.create', 'party', '01a23676-a319-7375-8420-5dcc3db17b0b', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', 'c8ddf55120d4b6fe8807b7b7e0c0073d1fb30b0eda618effd51d3293ddcabaad', 'c83a58dbb7c688647526128b6be0bc9b38639640916cbb59b4c3e9b74351bf4b');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 25, 1796210074413629, 'system', 'relationship.create', 'relationship', '01a23676-a327-7133-a649-a729b878eff4', 'demo', '["parentId", "childId", "type", "role"]', 'c83a58dbb7c688647526128b6be0bc9b38639640916cbb59b4c3e9b74351bf4b', '57952296f027182f64b9bba564fad33668426b19f235bac8d7e801d9988af301');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 26, 1796210074422926, 'system', 'party.create', 'party', '01a23676-a332-722d-a6a2-25a08086398d', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '57952296f027182f64b9bba564fad33668426b19f235bac8d7e801d9988af301', 'f444cf30180be6702d709e5bedccd6acb913139356228142337e451d9b046e78');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 27, 1796210074437279, 'system', 'relationship.create', 'relationship', '01a23676-a340-70b8-af33-6c13047c774d', 'demo', '["parentId", "childId", "type", "role"]', 'f444cf30180be6702d709e5bedccd6acb913139356228142337e451d9b046e78', 'cc9b4dbdac92deb50321c3330d6f87b45495fd2433d35a1346dd42b6631d538d');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 28, 1796210074445302, 'system', 'tag.create', 'tag', '01a23676-a34b-729e-a52e-41d3cf95bbf9', 'demo', '["text", "color"]', 'cc9b4dbdac92deb50321c3330d6f87b45495fd2433d35a1346dd42b6631d538d', '42204b0d9c9544a50188b82f136302560b1f11f69d8857f4b6592f36b2f244f4');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 29, 1796210074446058, 'system', 'party.tag', 'party', '01a23676-a304-7169-8980-30e90e065bd1', 'demo', '["tags"]', '42204b0d9c9544a50188b82f136302560b1f11f69d8857f4b6592f36b2f244f4', '816d5d177efb21993dcfe5d077564b4653567890a95e3c367bc7bb82321cef1d');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 30, 1796210074453090, 'system', 'party.create', 'party', '01a23676-a352-72a0-9092-b9bcb73015ac', 'demo', '["kind", "name"]', '816d5d177efb21993dcfe5d077564b4653567890a95e3c367bc7bb82321cef1d', '0202adf18c4b8afb4eb0474265203fb3f613bb693adc0649a8895d649b329d11');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 31, 1796210074466665, 'system', 'relationship.create', 'relationship', '01a23676-a35e-7192-b60f-c5073af1c19c', 'demo', '["parentId", "childId", "type", "role"]', '0202adf18c4b8afb4eb0474265203fb3f613bb693adc0649a8895d649b329d11', '25e5a63085e4f30e125ef9de5e562ab1262379bdea5db2ecb40f54af9b3611eb');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 32, 1796210074474802, 'system', 'party.create', 'party', '01a23676-a367-734c-8722-81cba7e6d548', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '25e5a63085e4f30e125ef9de5e562ab1262379bdea5db2ecb40f54af9b3611eb', 'ae725bc98c7610cc93c7eedd20cc3ae77a3e7135edd089fa9123e82944915633');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 33, 1796210074488606, 'system', 'relationship.create', 'relationship', '01a23676-a374-70a1-a79f-cb63a7f910d9', 'demo', '["parentId", "childId", "type", "role"]', 'ae725bc98c7610cc93c7eedd20cc3ae77a3e7135edd089fa9123e82944915633', '78d1c72ed21bc6384e02deb75913bf22f0da93c869d97239766eed9c00cafbca');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 34, 1796210074497230, 'system', 'party.create', 'party', '01a23676-a37d-71f7-91cc-fcef87113865', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '78d1c72ed21bc6384e02deb75913bf22f0da93c869d97239766eed9c00cafbca', '05b796ad2d80d67753b8562c47d11442447da727cc7bb18f0e31e71ff8d4e92e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 35, 1796210074511187, 'system', 'relationship.create', 'relationship', '01a23676-a38a-71b7-910c-83c13c1b3ab5', 'demo', '["parentId", "childId", "type", "role"]', '05b796ad2d80d67753b8562c47d11442447da727cc7bb18f0e31e71ff8d4e92e', 'a10a5d5016a3684b32b7a5bc8f4c2566406a27a0fabf834b9c83a98fadad8abf');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 36, 1796210074518823, 'system', 'party.create', 'party', '01a23676-a393-7086-9e7d-51a12c905660', 'demo', '["kind", "name"]', 'a10a5d5016a3684b32b7a5bc8f4c2566406a27a0fabf834b9c83a98fadad8abf', '17dd6d7678b6638467674ce0ae0389d39392fef65849a79c7ceb26b31457d113');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 37, 1796210074532941, 'system', 'relationship.create', 'relationship', '01a23676-a3a0-72cd-8f9b-db9550a39568', 'demo', '["parentId", "childId", "type", "role"]', '17dd6d7678b6638467674ce0ae0389d39392fef65849a79c7ceb26b31457d113', 'f61aa92e4e496b090f3758cc2f0f4885a4b5e4a8181656564bb5ca53fad554f1');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 38, 1796210074540734, 'system', 'party.create', 'party', '01a23676-a3a9-7153-8b03-fdac5a9477da', 'demo', '["kind", "name"]', 'f61aa92e4e496b090f3758cc2f0f4885a4b5e4a8181656564bb5ca53fad554f1', '7183a7cd0ace4bea915678eb2a095f2a6dedb4c6d746be69834fe287b3c92a8b');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 39, 1796210074554975, 'system', 'relationship.create', 'relationship', '01a23676-a3b6-704a-98b2-35eac8943f79', 'demo', '["parentId", "childId", "type", "role"]', '7183a7cd0ace4bea915678eb2a095f2a6dedb4c6d746be69834fe287b3c92a8b', '2f3406afe1947d9bdec7aa9421c8ef58bbb479bb25381687b70cf307312df7d2');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 40, 1796210074563992, 'system', 'party.create', 'party', '01a23676-a3bf-7222-8f82-1b45d981fd42', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '2f3406afe1947d9bdec7aa9421c8ef58bbb479bb25381687b70cf307312df7d2', '0b47fa150ab6c2deb73da345e9c8dd95aa70057b7ca869287bf31f7e4cae4aa4');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 41, 1796210074578500, 'system', 'relationship.create', 'relationship', '01a23676-a3ce-71b5-8f3c-aaecb3592aa6', 'demo', '["parentId", "childId", "type", "role"]', '0b47fa150ab6c2deb73da345e9c8dd95aa70057b7ca869287bf31f7e4cae4aa4', '1dfb4e45bc23b42faf9832cf82ddf8ce05063dff423da00176f2736695b76a53');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 42, 1796210074587354, 'system', 'party.create', 'party', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '1dfb4e45bc23b42faf9832cf82ddf8ce05063dff423da00176f2736695b76a53', '0c48677e89791e4edb831c56eea01745ebf24acbdd3a7804f0d34f99612e58c4');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 43, 1796210074601354, 'system', 'relationship.create', 'relationship', '01a23676-a3e5-71c9-9d16-c827c3aa3c65', 'demo', '["parentId", "childId", "type", "role"]', '0c48677e89791e4edb831c56eea01745ebf24acbdd3a7804f0d34f99612e58c4', 'e5ba79973da001a1f410c3cf0b0b14b98c46ab605018d94253e80beffede9aea');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 44, 1796210074608835, 'system', 'party.create', 'party', '01a23676-a3ed-728a-ae93-91b1d262492b', 'demo', '["kind", "name"]', 'e5ba79973da001a1f410c3cf0b0b14b98c46ab605018d94253e80beffede9aea', '8e9b2ad82f8307af7404fe53c861ce29118550ccc41f72e88f54de89a1a622a3');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 45, 1796210074622305, 'system', 'relationship.create', 'relationship', '01a23676-a3fa-70a4-b053-3df6ddca6f07', 'demo', '["parentId", "childId", "type", "role"]', '8e9b2ad82f8307af7404fe53c861ce29118550ccc41f72e88f54de89a1a622a3', 'ab391d827daf921b617645b23fc224e78f5096a51df93f4eb3ba67fc51805d89');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 46, 1796210074632260, 'system', 'party.create', 'party', '01a23676-a403-7062-a580-b994b8beaad9', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', 'ab391d827daf921b617645b23fc224e78f5096a51df93f4eb3ba67fc51805d89', 'c1299a7df660abb2262bc50344791783af4fe6f5abb66508b6c8cda1681c6868');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 47, 1796210074648886, 'system', 'relationship.create', 'relationship', '01a23676-a414-7133-86fa-5e9f13819a28', 'demo', '["parentId", "childId", "type", "role"]', 'c1299a7df660abb2262bc50344791783af4fe6f5abb66508b6c8cda1681c6868', '6dab06425120a4233d8bfffa3584d27a99155226a2f2d60738991d7e6f0f3add');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 48, 1796210074656783, 'system', 'party.create', 'party', '01a23676-a41d-7378-97b9-99db344e4d17', 'demo', '["kind", "firstName", "lastName", "phone", "roles"]', '6dab06425120a4233d8bfffa3584d27a99155226a2f2d60738991d7e6f0f3add', 'a0622da71b3f59cb20c2baeb207cca6ada2dbe494afdb7491150c3ebedadf119');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 49, 1796210074673440, 'system', 'relationship.create', 'relationship', '01a23676-a42c-73a8-ae85-2794cd96715b', 'demo', '["parentId", "childId", "type", "role"]', 'a0622da71b3f59cb20c2baeb207cca6ada2dbe494afdb7491150c3ebedadf119', '3d2108d1ae7f5e67e22ae060e034b5040bc5695106ada94f19f095fdd23ec5f7');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 50, 1796210074681752, 'system', 'tag.create', 'tag', '01a23676-a437-706b-ac85-3430a151f6b7', 'demo', '["text", "color"]', '3d2108d1ae7f5e67e22ae060e034b5040bc5695106ada94f19f095fdd23ec5f7', 'b54765e8d8087909f870c5735be30567a51bfda6aef93dabbbf0feec6275be44');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 51, 1796210074682709, 'system', 'party.tag', 'party', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'demo', '["tags"]', 'b54765e8d8087909f870c5735be30567a51bfda6aef93dabbbf0feec6275be44', 'eeb083b27780e6dc902952acb4edc3038df43dc1e823b47df394ae197cc32fbf');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 52, 1796210074690659, 'system', 'tag.create', 'tag', '01a23676-a441-70a4-8e84-28e1d4c69a1b', 'demo', '["text", "color"]', 'eeb083b27780e6dc902952acb4edc3038df43dc1e823b47df394ae197cc32fbf', '4a3c244eb3b5d688dab50fce708090f77a99023492fa8cf36a83ccb56939c4da');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 53, 1796210074691501, 'system', 'party.tag', 'party', '01a23676-a260-720a-87cf-228fb426a37c', 'demo', '["tags"]', '4a3c244eb3b5d688dab50fce708090f77a99023492fa8cf36a83ccb56939c4da', '6da6a94dcc460aa2fe46006dc3bbbd7fd1112d2336d0027394dda597e4d9d4ab');
INSERT INTO public.audit_entries VALUES ('01a23676-cfdb-7091-8c0a-0507e7942c7c', 1, 1796210085854141, 'platform:key-2c7a21a91fc3', 'tenant.create', 'tenant', '01a23676-cfdb-7091-8c0a-0507e7942c7c', '01a23676-cfd5-714c-8769-20a1f9adf32e', '["slug", "name", "settings"]', '0000000000000000000000000000000000000000000000000000000000000000', 'af04296219819b63a2375a6c638718a3a7d4f1da3ed5001a0674d0ce8141521a');
INSERT INTO public.audit_entries VALUES ('01a23676-cfdb-7091-8c0a-0507e7942c7c', 2, 1796210085869663, 'system', 'tenant.activate', 'tenant', '01a23676-cfdb-7091-8c0a-0507e7942c7c', '01a23676-cfd5-714c-8769-20a1f9adf32e', '["status"]', 'af04296219819b63a2375a6c638718a3a7d4f1da3ed5001a0674d0ce8141521a', '37753f5624a7a38ddd7faa932dfd8d793bf8ca7f9def557dd37e2741008b846f');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 11, 1796210085881121, 'system', 'party.create', 'party', '01a23676-cff4-7050-b06b-1ff282d172f9', '01a23676-cfd5-714c-8769-20a1f9adf32e', '["kind", "name", "customerType", "roles", "properties"]', 'd7d9d0d3f031e4f892cf1f9ad810a5d1f39bc0962165d3937d4e1b39a8a0ed7e', 'f2b96b4d59a00c884ebca0bbc8e41426c1fb89efac6a1975f32310f07391c1c7');
INSERT INTO public.audit_entries VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 12, 1796210085885189, 'system', 'party.tag', 'party', '01a23676-cff4-7050-b06b-1ff282d172f9', '01a23676-cfd5-714c-8769-20a1f9adf32e', '["tags"]', 'f2b96b4d59a00c884ebca0bbc8e41426c1fb89efac6a1975f32310f07391c1c7', 'a1fa1826c7d4cee4cdf317957696e334d84423a88dacf08a6eda1c39909fd1d9');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 54, 1796210085912794, 'platform:key-2c7a21a91fc3', 'api_key.create', 'api_key', '01a23676-d017-7343-acc5-48f9c1bf4935', '01a23676-d013-71eb-9a5f-6be13818a6a2', '["name", "role"]', '6da6a94dcc460aa2fe46006dc3bbbd7fd1112d2336d0027394dda597e4d9d4ab', 'cf2dc6cc169621923e86d1ac7b521ee1a61ff5df4a42180f16690fa9a8e6eb92');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 55, 1796210085947721, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a1e3-73e5-89ea-7ddce1957e27', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'cf2dc6cc169621923e86d1ac7b521ee1a61ff5df4a42180f16690fa9a8e6eb92', 'cecaad27d1370e9a9944f867132bb321f0fca4ca92a5135beb0285512ac74c31');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 56, 1796210085947730, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'cecaad27d1370e9a9944f867132bb321f0fca4ca92a5135beb0285512ac74c31', '67111aa2fe138317a0614b90197d37de165aeb8d00042a3fd0d7d62d5a1f632a');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 57, 1796210085947732, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a269-71f8-ba79-47f82bed2661', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '67111aa2fe138317a0614b90197d37de165aeb8d00042a3fd0d7d62d5a1f632a', '14f35f16697a9e07fc96bf447e2894e5b6c2a2ded845db617fb229d83def2a65');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 58, 1796210085947734, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a271-71ad-9a57-b9442f2df1b3', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '14f35f16697a9e07fc96bf447e2894e5b6c2a2ded845db617fb229d83def2a65', 'd1c668861cf68cdd8fda47f4b64695d3eaf34178ecf4ac8b56841d29bdb608fb');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 59, 1796210085947735, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a278-70d1-9da0-77769770641c', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'd1c668861cf68cdd8fda47f4b64695d3eaf34178ecf4ac8b56841d29bdb608fb', '0ff5eee26b832490ec6d7c4dd4d4b7b9a60faf84245f27d4dcd65660b9c34810');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 60, 1796210085947737, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a27f-7164-a597-4f6b1ae561fc', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '0ff5eee26b832490ec6d7c4dd4d4b7b9a60faf84245f27d4dcd65660b9c34810', 'ac5f82b33d8d1d4c8d201ec15a396fbd7391feb338fa30d6066a74d2316f4c19');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 61, 1796210085947739, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a286-7033-bded-d70ff653005d', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'ac5f82b33d8d1d4c8d201ec15a396fbd7391feb338fa30d6066a74d2316f4c19', '20334aad58e268598dc95e92c22c76b1fc2a767f5c0bb6db9d0d65b03aaad6ad');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 62, 1796210085947741, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a28d-70f8-9343-06a5a4cca76d', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '20334aad58e268598dc95e92c22c76b1fc2a767f5c0bb6db9d0d65b03aaad6ad', '338322afae35ef69829678ca989017df06fa9fd40fb7ec87ae887f2128f13214');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 63, 1796210085947742, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a293-7127-8243-11e776c6a722', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '338322afae35ef69829678ca989017df06fa9fd40fb7ec87ae887f2128f13214', '512b62cfe604cefaa8e36c78ae6c59c5d4a929f6b7f362ed4f33954690a7c323');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 64, 1796210085947744, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a29b-730b-8a0d-2ae243722dc0', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '512b62cfe604cefaa8e36c78ae6c59c5d4a929f6b7f362ed4f33954690a7c323', '6c42cc2961d58e7ed365f16b4e7485e125d24f2b3a8ccfdee550fd437292710e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 65, 1796210085947746, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '6c42cc2961d58e7ed365f16b4e7485e125d24f2b3a8ccfdee550fd437292710e', 'c443f96d11fbee975126a7e7fc060c79975c99e680489961b3f1821c00ae0a84');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 66, 1796210085947747, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'c443f96d11fbee975126a7e7fc060c79975c99e680489961b3f1821c00ae0a84', '8bd4e5a2fbebc2607c47346ef01e83e112d62b2fc888b20025329809c422baa5');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 67, 1796210085947749, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '8bd4e5a2fbebc2607c47346ef01e83e112d62b2fc888b20025329809c422baa5', '9bef1c4ec74d24aa7ec3ba17f449917ed8f13839202ae386c1017651c63fd8a9');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 68, 1796210085947751, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a319-7375-8420-5dcc3db17b0b', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '9bef1c4ec74d24aa7ec3ba17f449917ed8f13839202ae386c1017651c63fd8a9', 'b8b38a18bd490e7697131608349823fe593b9016bb9d9aeb3a7503ca97640dc2');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 69, 1796210085947752, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a332-722d-a6a2-25a08086398d', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'b8b38a18bd490e7697131608349823fe593b9016bb9d9aeb3a7503ca97640dc2', 'f9697911d868454c84e33267c16c461c42969491e675119d69d973ef0c05c044');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 70, 1796210085947754, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'f9697911d868454c84e33267c16c461c42969491e675119d69d973ef0c05c044', 'efd20f0a915ff285c1bde6110c8525c16ff3d72334449838ae64687da9532e4e');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 71, 1796210085947755, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a367-734c-8722-81cba7e6d548', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'efd20f0a915ff285c1bde6110c8525c16ff3d72334449838ae64687da9532e4e', '8920ba3d4d14d0b5ba284bd0d2d4fe202c33c3c853df06aa395488d5a7d061a9');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 72, 1796210085947757, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a37d-71f7-91cc-fcef87113865', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '8920ba3d4d14d0b5ba284bd0d2d4fe202c33c3c853df06aa395488d5a7d061a9', '49f1a983c2474df2efce8fcdaa94433412c96de8451a9a263337a4bc1b199a73');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 73, 1796210085947759, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '49f1a983c2474df2efce8fcdaa94433412c96de8451a9a263337a4bc1b199a73', 'd4c46a843a9f7bd7d037c6ad6811870b63871c8a597eb581048071cc63ddf292');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 74, 1796210085947761, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'd4c46a843a9f7bd7d037c6ad6811870b63871c8a597eb581048071cc63ddf292', 'd531c703f9e605ad15c7fda8b39390f3aaf86ea40442c61d64018f634d6fbadb');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 75, 1796210085947762, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a3bf-7222-8f82-1b45d981fd42', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'd531c703f9e605ad15c7fda8b39390f3aaf86ea40442c61d64018f634d6fbadb', '4d6fbc64bcbe13ac730053100edbaef9a32479456c0ec6d9738ec0dc20213aa8');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 76, 1796210085947764, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '4d6fbc64bcbe13ac730053100edbaef9a32479456c0ec6d9738ec0dc20213aa8', 'aa7abd1c42ae92f78b76f7023ca30e452167c4a59bbf017982a0037a8b69b8c7');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 77, 1796210085947765, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'aa7abd1c42ae92f78b76f7023ca30e452167c4a59bbf017982a0037a8b69b8c7', '7fcea4f1c97c07b303f9d66516950615c472f4c2fcc6a22328d2230ae7c13630');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 78, 1796210085947766, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a403-7062-a580-b994b8beaad9', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', '7fcea4f1c97c07b303f9d66516950615c472f4c2fcc6a22328d2230ae7c13630', 'a1c39641348c090492ad291aefa6f304f169e318805b776e4b51a4bf2f7959b7');
INSERT INTO public.audit_entries VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 79, 1796210085947768, 'platform:key-2c7a21a91fc3', 'party.list', 'party', '01a23676-a41d-7378-97b9-99db344e4d17', '01a23676-d02e-72a8-ac94-ce7f2c5565dd', '[]', 'a1c39641348c090492ad291aefa6f304f169e318805b776e4b51a4bf2f7959b7', '966f3460cd9ef250db9da054ce2fe6002bc85c8320678af58e760f0a7bbcee1c');


--
-- Data for Name: audit_heads; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.audit_heads VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 79, '966f3460cd9ef250db9da054ce2fe6002bc85c8320678af58e760f0a7bbcee1c');
INSERT INTO public.audit_heads VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 4, 'fdfbfea4c44f7dd1ebbe3f130bc7ceed5818972114e2478358339a1764746291');
INSERT INTO public.audit_heads VALUES ('01a23676-cfdb-7091-8c0a-0507e7942c7c', 2, '37753f5624a7a38ddd7faa932dfd8d793bf8ca7f9def557dd37e2741008b846f');
INSERT INTO public.audit_heads VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 12, 'a1fa1826c7d4cee4cdf317957696e334d84423a88dacf08a6eda1c39909fd1d9');


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.idempotency_keys VALUES ('fixture-initech', 'efb1b543e26d9844db44ed71e22c171051d7ed94cb50ecbed47f6727bc30a1ec', '01a23676-cfdb-7091-8c0a-0507e7942c7c', '2026-12-03 11:14:45.848851+00');


--
-- Data for Name: organization_domains; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.organization_domains VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'greenvalley.example', '01a23676-a260-720a-87cf-228fb426a37c');
INSERT INTO public.organization_domains VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'riverside.example', '01a23676-a269-71f8-ba79-47f82bed2661');


--
-- Data for Name: parties; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a1e3-73e5-89ea-7ddce1957e27', 'person', 'Ada', 'Lovelace', NULL, 'ada@acme.example', NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.08332+00', '2026-12-02 11:14:34.08332+00', 1, 'ada@acme.example', 'ada', 'lovelace', 'ada lovelace');
INSERT INTO public.parties VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1f8-7319-9562-009a85ecdba7', 'organization', NULL, NULL, 'Acme Farming Ltd', NULL, NULL, NULL, '[]', NULL, 'unregistered', '["customer"]', '{"tenantId": "01a23676-a1d9-70b1-ad49-900b9520c3f4", "tenantSlug": "acme"}', 'active', '2026-12-02 11:14:34.104843+00', '2026-12-02 11:14:34.104843+00', 1, NULL, NULL, NULL, 'acme farming ltd');
INSERT INTO public.parties VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1ff-719f-84d6-10f10238ad76', 'person', 'Ada', 'Lovelace', NULL, 'ada@acme.example', NULL, NULL, '[]', NULL, NULL, '["contact"]', '{}', 'active', '2026-12-02 11:14:34.111087+00', '2026-12-02 11:14:34.111087+00', 1, 'ada@acme.example', 'ada', 'lovelace', 'ada lovelace');
INSERT INTO public.parties VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', '01a23676-a230-721e-ba7a-0ba8cbe5c974', 'person', 'Grace', 'Hopper', NULL, 'grace@globex.example', NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.160327+00', '2026-12-02 11:14:34.160327+00', 1, 'grace@globex.example', 'grace', 'hopper', 'grace hopper');
INSERT INTO public.parties VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a242-72aa-a4ad-77db1bc6b34a', 'organization', NULL, NULL, 'Globex Seeds Inc', NULL, NULL, NULL, '[]', NULL, 'unregistered', '["customer"]', '{"tenantId": "01a23676-a226-71fb-a9d0-ab83e4220296", "tenantSlug": "globex"}', 'active', '2026-12-02 11:14:34.178507+00', '2026-12-02 11:14:34.178507+00', 1, NULL, NULL, NULL, 'globex seeds inc');
INSERT INTO public.parties VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a247-72bf-8299-3bd748b954f3', 'person', 'Grace', 'Hopper', NULL, 'grace@globex.example', NULL, NULL, '[]', NULL, NULL, '["contact"]', '{}', 'active', '2026-12-02 11:14:34.183818+00', '2026-12-02 11:14:34.183818+00', 1, 'grace@globex.example', 'grace', 'hopper', 'grace hopper');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a260-720a-87cf-228fb426a37c', 'organization', NULL, NULL, 'Green Valley Growers', 'info@greenvalley.example', '442079460958', 'https://www.greenvalley.example', '["greenvalley.example"]', NULL, NULL, '["partner"]', '{"website": "https://www.greenvalley.example"}', 'active', '2026-12-02 11:14:34.208316+00', '2026-12-02 11:14:34.208316+00', 1, 'info@greenvalley.example', NULL, NULL, 'green valley growers');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a269-71f8-ba79-47f82bed2661', 'organization', NULL, NULL, 'Riverside Dealers', NULL, '441614960000', 'https://riverside.example', '["riverside.example"]', NULL, NULL, '["dealer"]', '{"website": "https://riverside.example"}', 'active', '2026-12-02 11:14:34.217292+00', '2026-12-02 11:14:34.217292+00', 1, NULL, NULL, NULL, 'riverside dealers');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'person', 'Alice', 'Archer', NULL, 'alice@greenvalley.example', '447700900123', NULL, '[]', NULL, 'regular', '["customer"]', '{}', 'active', '2026-12-02 11:14:34.225362+00', '2026-12-02 11:14:34.225362+00', 1, 'alice@greenvalley.example', 'alice', 'archer', 'alice archer');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a278-70d1-9da0-77769770641c', 'person', 'Bob', 'Baker', NULL, 'bob.baker@example.com', '447700900456', NULL, '[]', NULL, 'regular', '["customer"]', '{}', 'active', '2026-12-02 11:14:34.23231+00', '2026-12-02 11:14:34.23231+00', 1, 'bob.baker@example.com', 'bob', 'baker', 'bob baker');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a27f-7164-a597-4f6b1ae561fc', 'person', 'Carol', 'Chen', NULL, 'carol@example.org', NULL, NULL, '[]', NULL, 'unregistered', '["customer"]', '{}', 'active', '2026-12-02 11:14:34.239185+00', '2026-12-02 11:14:34.239185+00', 1, 'carol@example.org', 'carol', 'chen', 'carol chen');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a286-7033-bded-d70ff653005d', 'person', 'Dev', 'Patel', NULL, NULL, '447700900789', NULL, '[]', NULL, 'new', '["customer"]', '{}', 'active', '2026-12-02 11:14:34.246012+00', '2026-12-02 11:14:34.246012+00', 1, NULL, 'dev', 'patel', 'dev patel');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a28d-70f8-9343-06a5a4cca76d', 'person', 'Walk-in', 'Customer', NULL, NULL, NULL, NULL, '[]', NULL, 'anonymous', '["customer"]', '{}', 'active', '2026-12-02 11:14:34.253221+00', '2026-12-02 11:14:34.253221+00', 1, NULL, 'walk-in', 'customer', 'walk-in customer');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a293-7127-8243-11e776c6a722', 'person', 'Erin', 'Evans', NULL, 'erin@riverside.example', '447700900321', NULL, '[]', 'Planter, north fields', NULL, '["planter"]', '{"crop": "wheat", "hectares": 42.5}', 'active', '2026-12-02 11:14:34.259888+00', '2026-12-02 11:14:34.259888+00', 1, 'erin@riverside.example', 'erin', 'evans', 'erin evans');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a29b-730b-8a0d-2ae243722dc0', 'person', 'Frank', 'Foster', NULL, 'frank@riverside.example', NULL, NULL, '[]', NULL, NULL, '["contact"]', '{}', 'active', '2026-12-02 11:14:34.267368+00', '2026-12-02 11:14:34.267368+00', 1, 'frank@riverside.example', 'frank', 'foster', 'frank foster');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', 'organization', NULL, NULL, 'Acme Farming Group', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.340064+00', '2026-12-02 11:14:34.340064+00', 1, NULL, NULL, NULL, 'acme farming group');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2ec-7322-8202-46e2b9622e22', 'organization', NULL, NULL, 'North Region', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.348417+00', '2026-12-02 11:14:34.348417+00', 1, NULL, NULL, NULL, 'north region');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a304-7169-8980-30e90e065bd1', 'organization', NULL, NULL, 'Hill Farm', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.372228+00', '2026-12-02 11:14:34.372228+00', 1, NULL, NULL, NULL, 'hill farm');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a319-7375-8420-5dcc3db17b0b', 'person', 'Gwen', 'Hillfield', NULL, NULL, '447700901001', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.393608+00', '2026-12-02 11:14:34.393608+00', 1, NULL, 'gwen', 'hillfield', 'gwen hillfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a332-722d-a6a2-25a08086398d', 'person', 'Hari', 'Hillfield', NULL, NULL, '447700901002', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.418777+00', '2026-12-02 11:14:34.418777+00', 1, NULL, 'hari', 'hillfield', 'hari hillfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a352-72a0-9092-b9bcb73015ac', 'organization', NULL, NULL, 'Moor Farm', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.450412+00', '2026-12-02 11:14:34.450412+00', 1, NULL, NULL, NULL, 'moor farm');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a367-734c-8722-81cba7e6d548', 'person', 'Gwen', 'Moorfield', NULL, NULL, '447700901003', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.471043+00', '2026-12-02 11:14:34.471043+00', 1, NULL, 'gwen', 'moorfield', 'gwen moorfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a37d-71f7-91cc-fcef87113865', 'person', 'Hari', 'Moorfield', NULL, NULL, '447700901004', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.493313+00', '2026-12-02 11:14:34.493313+00', 1, NULL, 'hari', 'moorfield', 'hari moorfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a393-7086-9e7d-51a12c905660', 'organization', NULL, NULL, 'South Region', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.515919+00', '2026-12-02 11:14:34.515919+00', 1, NULL, NULL, NULL, 'south region');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3a9-7153-8b03-fdac5a9477da', 'organization', NULL, NULL, 'Valley Farm', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.537684+00', '2026-12-02 11:14:34.537684+00', 1, NULL, NULL, NULL, 'valley farm');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3bf-7222-8f82-1b45d981fd42', 'person', 'Gwen', 'Valleyfield', NULL, NULL, '447700901005', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.559898+00', '2026-12-02 11:14:34.559898+00', 1, NULL, 'gwen', 'valleyfield', 'gwen valleyfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 'person', 'Hari', 'Valleyfield', NULL, NULL, '447700901006', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.583433+00', '2026-12-02 11:14:34.583433+00', 1, NULL, 'hari', 'valleyfield', 'hari valleyfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3ed-728a-ae93-91b1d262492b', 'organization', NULL, NULL, 'Coastal Farm', NULL, NULL, NULL, '[]', NULL, NULL, '[]', '{}', 'active', '2026-12-02 11:14:34.605899+00', '2026-12-02 11:14:34.605899+00', 1, NULL, NULL, NULL, 'coastal farm');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a403-7062-a580-b994b8beaad9', 'person', 'Gwen', 'Coastalfield', NULL, NULL, '447700901007', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.628002+00', '2026-12-02 11:14:34.628002+00', 1, NULL, 'gwen', 'coastalfield', 'gwen coastalfield');
INSERT INTO public.parties VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a41d-7378-97b9-99db344e4d17', 'person', 'Hari', 'Coastalfield', NULL, NULL, '447700901008', NULL, '[]', NULL, NULL, '["planter"]', '{}', 'active', '2026-12-02 11:14:34.65323+00', '2026-12-02 11:14:34.65323+00', 1, NULL, 'hari', 'coastalfield', 'hari coastalfield');
INSERT INTO public.parties VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-cff4-7050-b06b-1ff282d172f9', 'organization', NULL, NULL, 'Initech', NULL, NULL, NULL, '[]', NULL, 'unregistered', '["customer"]', '{"tenantId": "01a23676-cfdb-7091-8c0a-0507e7942c7c", "tenantSlug": "initech"}', 'active', '2026-12-02 11:14:45.876339+00', '2026-12-02 11:14:45.876339+00', 1, NULL, NULL, NULL, 'initech');


--
-- Data for Name: partner_accounts; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.partner_accounts VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2d6-7132-a0c4-574af1f5b41b', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'gvg-alice', 'v2:WzlbwKkYONPoiWuoejCO99cYC7lIPeL2x1AICBS7DTFFr0Yj5rFEbSwIQufIj5SidN3P4AwyrXz/jh4cgg/VbYXy8lXJXXEs', true, '2026-12-02 11:14:34.326206+00', '2026-12-02 11:14:34.326206+00');
INSERT INTO public.partner_accounts VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2dd-72bc-8af3-d3c099133779', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a278-70d1-9da0-77769770641c', 'gvg-bob', 'v2:ZIgFGQQe2vIsjslV53zS2Klqx9ReJt95gvxEypvkll6+QFCl+Ry32blxlNNUNMjATTZFfXkfNCrM+UfzaaPMbA8gzKNrvXpk', true, '2026-12-02 11:14:34.333899+00', '2026-12-02 11:14:34.333899+00');


--
-- Data for Name: party_closure; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.party_closure VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 'employment', '01a23676-a1f8-7319-9562-009a85ecdba7', '01a23676-a1ff-719f-84d6-10f10238ad76', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 'employment', '01a23676-a242-72aa-a4ad-77db1bc6b34a', '01a23676-a247-72bf-8299-3bd748b954f3', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'partnership', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a271-71ad-9a57-b9442f2df1b3', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'partnership', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a278-70d1-9da0-77769770641c', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'partnership', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a286-7033-bded-d70ff653005d', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a2ec-7322-8202-46e2b9622e22', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a304-7169-8980-30e90e065bd1', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a304-7169-8980-30e90e065bd1', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a319-7375-8420-5dcc3db17b0b', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a319-7375-8420-5dcc3db17b0b', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a319-7375-8420-5dcc3db17b0b', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a332-722d-a6a2-25a08086398d', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a332-722d-a6a2-25a08086398d', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a332-722d-a6a2-25a08086398d', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a352-72a0-9092-b9bcb73015ac', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a352-72a0-9092-b9bcb73015ac', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a367-734c-8722-81cba7e6d548', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a367-734c-8722-81cba7e6d548', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a367-734c-8722-81cba7e6d548', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a37d-71f7-91cc-fcef87113865', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a37d-71f7-91cc-fcef87113865', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a37d-71f7-91cc-fcef87113865', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a393-7086-9e7d-51a12c905660', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a3a9-7153-8b03-fdac5a9477da', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3a9-7153-8b03-fdac5a9477da', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a3bf-7222-8f82-1b45d981fd42', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3bf-7222-8f82-1b45d981fd42', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3bf-7222-8f82-1b45d981fd42', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a3ed-728a-ae93-91b1d262492b', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3ed-728a-ae93-91b1d262492b', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a403-7062-a580-b994b8beaad9', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a403-7062-a580-b994b8beaad9', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a403-7062-a580-b994b8beaad9', 1, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a41d-7378-97b9-99db344e4d17', 3, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a41d-7378-97b9-99db344e4d17', 2, 1);
INSERT INTO public.party_closure VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'structure', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a41d-7378-97b9-99db344e4d17', 1, 1);


--
-- Data for Name: party_roles; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.party_roles VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1f8-7319-9562-009a85ecdba7', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1ff-719f-84d6-10f10238ad76', 'contact');
INSERT INTO public.party_roles VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a242-72aa-a4ad-77db1bc6b34a', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a247-72bf-8299-3bd748b954f3', 'contact');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a260-720a-87cf-228fb426a37c', 'partner');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a269-71f8-ba79-47f82bed2661', 'dealer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a278-70d1-9da0-77769770641c', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a27f-7164-a597-4f6b1ae561fc', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a286-7033-bded-d70ff653005d', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a28d-70f8-9343-06a5a4cca76d', 'customer');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a293-7127-8243-11e776c6a722', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a29b-730b-8a0d-2ae243722dc0', 'contact');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a319-7375-8420-5dcc3db17b0b', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a332-722d-a6a2-25a08086398d', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a367-734c-8722-81cba7e6d548', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a37d-71f7-91cc-fcef87113865', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3bf-7222-8f82-1b45d981fd42', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a403-7062-a580-b994b8beaad9', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a41d-7378-97b9-99db344e4d17', 'planter');
INSERT INTO public.party_roles VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-cff4-7050-b06b-1ff282d172f9', 'customer');


--
-- Data for Name: party_state_history; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a1e6-737c-bb4c-f899268e56e4', '01a23676-a1e3-73e5-89ea-7ddce1957e27', NULL, 'active', '2026-12-02 11:14:34.08332+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1fb-70c4-884b-7b6e96851eae', '01a23676-a1f8-7319-9562-009a85ecdba7', NULL, 'active', '2026-12-02 11:14:34.104843+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a205-7164-ac6d-7245266273fe', '01a23676-a1ff-719f-84d6-10f10238ad76', NULL, 'active', '2026-12-02 11:14:34.111087+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', '01a23676-a233-73c8-981d-88b3a378a6cd', '01a23676-a230-721e-ba7a-0ba8cbe5c974', NULL, 'active', '2026-12-02 11:14:34.160327+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a245-7272-a484-78da670b493d', '01a23676-a242-72aa-a4ad-77db1bc6b34a', NULL, 'active', '2026-12-02 11:14:34.178507+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a24a-7219-94e3-271fcb2256d8', '01a23676-a247-72bf-8299-3bd748b954f3', NULL, 'active', '2026-12-02 11:14:34.183818+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a264-7025-807a-ef5232e04261', '01a23676-a260-720a-87cf-228fb426a37c', NULL, 'active', '2026-12-02 11:14:34.208316+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a26d-716c-abd6-be59b266d0f5', '01a23676-a269-71f8-ba79-47f82bed2661', NULL, 'active', '2026-12-02 11:14:34.217292+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a273-73f3-8a3f-5b5c1eed5fda', '01a23676-a271-71ad-9a57-b9442f2df1b3', NULL, 'active', '2026-12-02 11:14:34.225362+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a27a-7262-bd91-396b542be97b', '01a23676-a278-70d1-9da0-77769770641c', NULL, 'active', '2026-12-02 11:14:34.23231+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a281-7372-ad16-907be9334e39', '01a23676-a27f-7164-a597-4f6b1ae561fc', NULL, 'active', '2026-12-02 11:14:34.239185+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a288-7329-8964-0c69ca265e1f', '01a23676-a286-7033-bded-d70ff653005d', NULL, 'active', '2026-12-02 11:14:34.246012+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a28f-73b2-a11a-54f5a64b57a2', '01a23676-a28d-70f8-9343-06a5a4cca76d', NULL, 'active', '2026-12-02 11:14:34.253221+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a296-7044-8a33-f9fb04798fa4', '01a23676-a293-7127-8243-11e776c6a722', NULL, 'active', '2026-12-02 11:14:34.259888+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a29e-7389-bbf4-2d1f100e2125', '01a23676-a29b-730b-8a0d-2ae243722dc0', NULL, 'active', '2026-12-02 11:14:34.267368+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2e6-7174-b879-ebec9f5b2a13', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', NULL, 'active', '2026-12-02 11:14:34.340064+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2ee-7163-8014-15d3d737a1ef', '01a23676-a2ec-7322-8202-46e2b9622e22', NULL, 'active', '2026-12-02 11:14:34.348417+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a306-71d3-bbe8-18ce07f35b2f', '01a23676-a304-7169-8980-30e90e065bd1', NULL, 'active', '2026-12-02 11:14:34.372228+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a31d-723f-964e-6fa92baacda8', '01a23676-a319-7375-8420-5dcc3db17b0b', NULL, 'active', '2026-12-02 11:14:34.393608+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a336-7278-8126-051c43a3fa07', '01a23676-a332-722d-a6a2-25a08086398d', NULL, 'active', '2026-12-02 11:14:34.418777+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a354-7310-baf5-8bb113ad964c', '01a23676-a352-72a0-9092-b9bcb73015ac', NULL, 'active', '2026-12-02 11:14:34.450412+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a36a-70f9-a942-bc928ad09c06', '01a23676-a367-734c-8722-81cba7e6d548', NULL, 'active', '2026-12-02 11:14:34.471043+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a380-7056-b0f2-57171854cca5', '01a23676-a37d-71f7-91cc-fcef87113865', NULL, 'active', '2026-12-02 11:14:34.493313+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a396-73d9-b3e9-7b7f7c4c3394', '01a23676-a393-7086-9e7d-51a12c905660', NULL, 'active', '2026-12-02 11:14:34.515919+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3ac-706b-b00c-dc11599718dc', '01a23676-a3a9-7153-8b03-fdac5a9477da', NULL, 'active', '2026-12-02 11:14:34.537684+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3c3-739d-b224-1e6fa699207f', '01a23676-a3bf-7222-8f82-1b45d981fd42', NULL, 'active', '2026-12-02 11:14:34.559898+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3da-72cb-87ce-5896b8e93b81', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', NULL, 'active', '2026-12-02 11:14:34.583433+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3f0-728c-898a-085c37a35dca', '01a23676-a3ed-728a-ae93-91b1d262492b', NULL, 'active', '2026-12-02 11:14:34.605899+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a407-73e7-bea9-ff8ca5842b9e', '01a23676-a403-7062-a580-b994b8beaad9', NULL, 'active', '2026-12-02 11:14:34.628002+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a420-73b4-a72d-7ac6a355b130', '01a23676-a41d-7378-97b9-99db344e4d17', NULL, 'active', '2026-12-02 11:14:34.65323+00', 'system', 'created');
INSERT INTO public.party_state_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-cff8-7029-941c-b17252f8e65b', '01a23676-cff4-7050-b06b-1ff282d172f9', NULL, 'active', '2026-12-02 11:14:45.876339+00', 'system', 'created');


--
-- Data for Name: party_tags; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.party_tags VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a1f8-7319-9562-009a85ecdba7', '01a23676-a217-70a8-ad90-13b796c92340');
INSERT INTO public.party_tags VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a242-72aa-a4ad-77db1bc6b34a', '01a23676-a217-70a8-ad90-13b796c92340');
INSERT INTO public.party_tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a34b-729e-a52e-41d3cf95bbf9');
INSERT INTO public.party_tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a271-71ad-9a57-b9442f2df1b3', '01a23676-a437-706b-ac85-3430a151f6b7');
INSERT INTO public.party_tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a441-70a4-8e84-28e1d4c69a1b');
INSERT INTO public.party_tags VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-cff4-7050-b06b-1ff282d172f9', '01a23676-a217-70a8-ad90-13b796c92340');


--
-- Data for Name: platform_tokens; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.platform_tokens VALUES ('bootstrap-be1b77e8', 'bootstrap (generated)', 'be1b77e82da5ae51d758c6d4ace8c826b9e020c9636a6c6119b24f2007c31e77', '2026-12-02 11:14:34.067737+00');
INSERT INTO public.platform_tokens VALUES ('key-2c7a21a91fc3', 'fixture', 'ec9b72dba6a8a1f34eaaf347fd1b54413592b3881efdf7f1c9bf14cae4f0d4ca', '2026-12-02 11:14:42.816887+00');


--
-- Data for Name: provisioning; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.provisioning VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '{"phase": "active", "tracking": {"tag": "PSA Customer", "tagID": "01A23676-A217-70A8-AD90-13B796C92340", "status": "tracked", "attempts": 0, "companyID": "01A23676-A1F8-7319-9562-009A85ECDBA7", "contactID": "01A23676-A1FF-719F-84D6-10F10238AD76", "withContact": true, "relationshipID": "01A23676-A20E-7351-91D5-D0FE51127A6A", "managementTenant": "management"}, "startedAt": 817902874.071765, "finishedAt": 817902874.096015, "adminUserID": "01A23676-A1E7-71D9-97E6-47F00D432F74", "adminPartyID": "01A23676-A1E3-73E5-89EA-7DDCE1957E27"}', NULL, NULL, NULL, 4);
INSERT INTO public.provisioning VALUES ('01a23676-cfdb-7091-8c0a-0507e7942c7c', '{"phase": "active", "tracking": {"tag": "PSA Customer", "tagID": "01A23676-A217-70A8-AD90-13B796C92340", "status": "tracked", "attempts": 0, "companyID": "01A23676-CFF4-7050-B06B-1FF282D172F9", "withContact": false, "managementTenant": "management"}, "startedAt": 817902885.848851, "finishedAt": 817902885.8696721}', NULL, NULL, NULL, 4);
INSERT INTO public.provisioning VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', '{"phase": "active", "tracking": {"tag": "PSA Customer", "tagID": "01A23676-A217-70A8-AD90-13B796C92340", "status": "tracked", "attempts": 0, "companyID": "01A23676-A242-72AA-A4AD-77DB1BC6B34A", "contactID": "01A23676-A247-72BF-8299-3BD748B954F3", "withContact": true, "relationshipID": "01A23676-A24F-700E-8914-410B4F8547FB", "managementTenant": "management"}, "startedAt": 817902874.149246, "finishedAt": 817902874.1710889, "adminUserID": "01A23676-A234-7137-91E9-0B32398AC88C", "adminPartyID": "01A23676-A230-721E-BA7A-0BA8CBE5C974"}', NULL, NULL, NULL, 4);


--
-- Data for Name: relationship_history; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.relationship_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a20e-7351-91d5-d0fe51127a6a', '01a23676-a1f8-7319-9562-009a85ecdba7', '01a23676-a1ff-719f-84d6-10f10238ad76', 'employment', 'admin contact', NULL, NULL, '2026-12-02 11:14:34.126949+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a24f-700e-8914-410b4f8547fb', '01a23676-a242-72aa-a4ad-77db1bc6b34a', '01a23676-a247-72bf-8299-3bd748b954f3', 'employment', 'admin contact', NULL, NULL, '2026-12-02 11:14:34.191644+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2aa-7351-811a-fa8d598c206a', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.282083+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2b9-7201-8125-e35e4da273c0', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a278-70d1-9da0-77769770641c', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.297815+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2c9-7132-826f-abd27fa9135f', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a286-7033-bded-d70ff653005d', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.313298+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2fa-7363-818f-e451889e6e4a', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a2ec-7322-8202-46e2b9622e22', 'structure', 'region', NULL, NULL, '2026-12-02 11:14:34.36215+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a310-718e-aac6-a4562c4b4982', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a304-7169-8980-30e90e065bd1', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.384011+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a327-7133-a649-a729b878eff4', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a319-7375-8420-5dcc3db17b0b', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.407904+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a340-70b8-af33-6c13047c774d', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a332-722d-a6a2-25a08086398d', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.432976+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a35e-7192-b60f-c5073af1c19c', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a352-72a0-9092-b9bcb73015ac', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.46257+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a374-70a1-a79f-cb63a7f910d9', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a367-734c-8722-81cba7e6d548', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.484384+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a38a-71b7-910c-83c13c1b3ab5', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a37d-71f7-91cc-fcef87113865', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.506909+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3a0-72cd-8f9b-db9550a39568', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a393-7086-9e7d-51a12c905660', 'structure', 'region', NULL, NULL, '2026-12-02 11:14:34.528592+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3b6-704a-98b2-35eac8943f79', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3a9-7153-8b03-fdac5a9477da', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.550651+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3ce-71b5-8f3c-aaecb3592aa6', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3bf-7222-8f82-1b45d981fd42', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.574332+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3e5-71c9-9d16-c827c3aa3c65', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.597216+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3fa-70a4-b053-3df6ddca6f07', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3ed-728a-ae93-91b1d262492b', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.618492+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a414-7133-86fa-5e9f13819a28', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a403-7062-a580-b994b8beaad9', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.644315+00', NULL);
INSERT INTO public.relationship_history VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a42c-73a8-ae85-2794cd96715b', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a41d-7378-97b9-99db344e4d17', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.66806+00', NULL);


--
-- Data for Name: relationships; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.relationships VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a20e-7351-91d5-d0fe51127a6a', '01a23676-a1f8-7319-9562-009a85ecdba7', '01a23676-a1ff-719f-84d6-10f10238ad76', 'employment', 'admin contact', NULL, NULL, '2026-12-02 11:14:34.126949+00');
INSERT INTO public.relationships VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a24f-700e-8914-410b4f8547fb', '01a23676-a242-72aa-a4ad-77db1bc6b34a', '01a23676-a247-72bf-8299-3bd748b954f3', 'employment', 'admin contact', NULL, NULL, '2026-12-02 11:14:34.191644+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2aa-7351-811a-fa8d598c206a', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a271-71ad-9a57-b9442f2df1b3', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.282083+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2b9-7201-8125-e35e4da273c0', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a278-70d1-9da0-77769770641c', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.297815+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2c9-7132-826f-abd27fa9135f', '01a23676-a260-720a-87cf-228fb426a37c', '01a23676-a286-7033-bded-d70ff653005d', 'partnership', 'customer', NULL, NULL, '2026-12-02 11:14:34.313298+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a2fa-7363-818f-e451889e6e4a', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a2ec-7322-8202-46e2b9622e22', 'structure', 'region', NULL, NULL, '2026-12-02 11:14:34.36215+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a310-718e-aac6-a4562c4b4982', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a304-7169-8980-30e90e065bd1', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.384011+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a327-7133-a649-a729b878eff4', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a319-7375-8420-5dcc3db17b0b', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.407904+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a340-70b8-af33-6c13047c774d', '01a23676-a304-7169-8980-30e90e065bd1', '01a23676-a332-722d-a6a2-25a08086398d', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.432976+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a35e-7192-b60f-c5073af1c19c', '01a23676-a2ec-7322-8202-46e2b9622e22', '01a23676-a352-72a0-9092-b9bcb73015ac', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.46257+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a374-70a1-a79f-cb63a7f910d9', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a367-734c-8722-81cba7e6d548', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.484384+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a38a-71b7-910c-83c13c1b3ab5', '01a23676-a352-72a0-9092-b9bcb73015ac', '01a23676-a37d-71f7-91cc-fcef87113865', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.506909+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3a0-72cd-8f9b-db9550a39568', '01a23676-a2e4-71d3-b5ed-ca12fdaeff03', '01a23676-a393-7086-9e7d-51a12c905660', 'structure', 'region', NULL, NULL, '2026-12-02 11:14:34.528592+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3b6-704a-98b2-35eac8943f79', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3a9-7153-8b03-fdac5a9477da', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.550651+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3ce-71b5-8f3c-aaecb3592aa6', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3bf-7222-8f82-1b45d981fd42', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.574332+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3e5-71c9-9d16-c827c3aa3c65', '01a23676-a3a9-7153-8b03-fdac5a9477da', '01a23676-a3d7-72f3-a90e-f1eb3aec7bc6', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.597216+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a3fa-70a4-b053-3df6ddca6f07', '01a23676-a393-7086-9e7d-51a12c905660', '01a23676-a3ed-728a-ae93-91b1d262492b', 'structure', 'farm', NULL, NULL, '2026-12-02 11:14:34.618492+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a414-7133-86fa-5e9f13819a28', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a403-7062-a580-b994b8beaad9', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.644315+00');
INSERT INTO public.relationships VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a42c-73a8-ae85-2794cd96715b', '01a23676-a3ed-728a-ae93-91b1d262492b', '01a23676-a41d-7378-97b9-99db344e4d17', 'structure', 'planter', NULL, NULL, '2026-12-02 11:14:34.66806+00');


--
-- Data for Name: role_grant_history; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: roles; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: roster_settings; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.roster_settings VALUES ('secret_key_check', '4e401d5153c8849e41d1e3a8873ba336');


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, 'tenants, parties, state history, audit, platform tokens', 1796210074);
INSERT INTO public.schema_migrations VALUES (2, 'relationships, closure table, tags, partner accounts, organization domains', 1796210074);
INSERT INTO public.schema_migrations VALUES (3, 'users, segments, API keys', 1796210074);
INSERT INTO public.schema_migrations VALUES (4, 'roles and grants', 1796210074);
INSERT INTO public.schema_migrations VALUES (5, 'api key roles', 1796210074);
INSERT INTO public.schema_migrations VALUES (6, 'provisioning workflows and idempotency keys', 1796210074);
INSERT INTO public.schema_migrations VALUES (7, 'settings of the installation (the secret key''s check value)', 1796210074);
INSERT INTO public.schema_migrations VALUES (8, 'edges with a validity window, found fast', 1796210074);
INSERT INTO public.schema_migrations VALUES (9, 'access versions and the changes that made them', 1796210074);
INSERT INTO public.schema_migrations VALUES (10, 'history of edges and grants, for answers as of a past instant', 1796210074);


--
-- Data for Name: segments; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: tags; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tags VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', '01a23676-a217-70a8-ad90-13b796c92340', 'PSA Customer', 'psa customer', '#a53a27', '2026-12-02 11:14:34.13597+00');
INSERT INTO public.tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a34b-729e-a52e-41d3cf95bbf9', 'Organic', 'organic', '#6f7312', '2026-12-02 11:14:34.443677+00');
INSERT INTO public.tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a437-706b-ac85-3430a151f6b7', 'VIP', 'vip', '#238023', '2026-12-02 11:14:34.679926+00');
INSERT INTO public.tags VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a441-70a4-8e84-28e1d4c69a1b', 'Key Partner', 'key partner', '#1d4ed8', '2026-12-02 11:14:34.689201+00');


--
-- Data for Name: tenants; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.tenants VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', 'globex', 'Globex Seeds Inc', 'active', '{"autoLinkContacts": false, "defaultCallingCode": "1"}', '2026-12-02 11:14:34.149246+00', '2026-12-02 11:14:34.170486+00', 2, 0);
INSERT INTO public.tenants VALUES ('01a23676-a1cc-729d-96a5-809e57a7d85a', 'management', 'Management', 'active', '{"autoLinkContacts": false}', '2026-12-02 11:14:34.060295+00', '2026-12-02 11:14:34.060295+00', 1, 2);
INSERT INTO public.tenants VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', 'acme', 'Acme Farming Ltd', 'active', '{"autoLinkContacts": false, "defaultCallingCode": "44"}', '2026-12-02 11:14:34.071765+00', '2026-12-02 11:14:34.095265+00', 2, 17);
INSERT INTO public.tenants VALUES ('01a23676-cfdb-7091-8c0a-0507e7942c7c', 'initech', 'Initech', 'active', '{"autoLinkContacts": false}', '2026-12-02 11:14:45.848851+00', '2026-12-02 11:14:45.868794+00', 2, 0);


--
-- Data for Name: user_roles; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users VALUES ('01a23676-a1d9-70b1-ad49-900b9520c3f4', '01a23676-a1e7-71d9-97e6-47f00d432f74', 'ada@acme.example', NULL, NULL, NULL, 'Ada Lovelace', NULL, NULL, 'ADMIN', true, '01a23676-a1e3-73e5-89ea-7ddce1957e27', '2026-12-02 11:14:34.08332+00', '2026-12-02 11:14:34.08332+00', 1, 'ada@acme.example', NULL, 'ada lovelace', NULL, NULL);
INSERT INTO public.users VALUES ('01a23676-a226-71fb-a9d0-ab83e4220296', '01a23676-a234-7137-91e9-0b32398ac88c', 'grace@globex.example', NULL, NULL, NULL, 'Grace Hopper', NULL, NULL, 'ADMIN', true, '01a23676-a230-721e-ba7a-0ba8cbe5c974', '2026-12-02 11:14:34.160327+00', '2026-12-02 11:14:34.160327+00', 1, 'grace@globex.example', NULL, 'grace hopper', NULL, NULL);


--
-- Name: access_changes access_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.access_changes
    ADD CONSTRAINT access_changes_pkey PRIMARY KEY (tenant_id, version);


--
-- Name: api_keys api_keys_key_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash);


--
-- Name: api_keys api_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: audit_entries audit_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT audit_entries_pkey PRIMARY KEY (tenant_id, seq);


--
-- Name: audit_heads audit_heads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_heads
    ADD CONSTRAINT audit_heads_pkey PRIMARY KEY (tenant_id);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (key);


--
-- Name: organization_domains organization_domains_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organization_domains
    ADD CONSTRAINT organization_domains_pkey PRIMARY KEY (tenant_id, domain, party_id);


--
-- Name: parties parties_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.parties
    ADD CONSTRAINT parties_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: partner_accounts partner_accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_accounts
    ADD CONSTRAINT partner_accounts_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: partner_accounts partner_accounts_tenant_id_partner_id_customer_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_accounts
    ADD CONSTRAINT partner_accounts_tenant_id_partner_id_customer_id_key UNIQUE (tenant_id, partner_id, customer_id);


--
-- Name: party_closure party_closure_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_closure
    ADD CONSTRAINT party_closure_pkey PRIMARY KEY (tenant_id, type, ancestor_id, descendant_id, depth);


--
-- Name: party_roles party_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_roles
    ADD CONSTRAINT party_roles_pkey PRIMARY KEY (tenant_id, party_id, role);


--
-- Name: party_state_history party_state_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_state_history
    ADD CONSTRAINT party_state_history_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: party_tags party_tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_tags
    ADD CONSTRAINT party_tags_pkey PRIMARY KEY (tenant_id, party_id, tag_id);


--
-- Name: platform_tokens platform_tokens_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.platform_tokens
    ADD CONSTRAINT platform_tokens_pkey PRIMARY KEY (id);


--
-- Name: platform_tokens platform_tokens_token_hash_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.platform_tokens
    ADD CONSTRAINT platform_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: provisioning provisioning_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.provisioning
    ADD CONSTRAINT provisioning_pkey PRIMARY KEY (tenant_id);


--
-- Name: relationship_history relationship_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationship_history
    ADD CONSTRAINT relationship_history_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: relationships relationships_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationships
    ADD CONSTRAINT relationships_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: relationships relationships_tenant_id_parent_id_child_id_type_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationships
    ADD CONSTRAINT relationships_tenant_id_parent_id_child_id_type_key UNIQUE (tenant_id, parent_id, child_id, type);


--
-- Name: role_grant_history role_grant_history_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_grant_history
    ADD CONSTRAINT role_grant_history_pkey PRIMARY KEY (tenant_id, user_id, role_id, granted_at);


--
-- Name: roles roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: roles roles_tenant_id_name_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_tenant_id_name_key_key UNIQUE (tenant_id, name_key);


--
-- Name: roster_settings roster_settings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roster_settings
    ADD CONSTRAINT roster_settings_pkey PRIMARY KEY (name);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: segments segments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.segments
    ADD CONSTRAINT segments_pkey PRIMARY KEY (tenant_id, name);


--
-- Name: tags tags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: tags tags_tenant_id_text_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_tenant_id_text_key_key UNIQUE (tenant_id, text_key);


--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);


--
-- Name: tenants tenants_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tenants
    ADD CONSTRAINT tenants_slug_key UNIQUE (slug);


--
-- Name: user_roles user_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_pkey PRIMARY KEY (tenant_id, user_id, role_id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (tenant_id, id);


--
-- Name: access_changes_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX access_changes_at ON public.access_changes USING btree (at);


--
-- Name: audit_entries_target; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_entries_target ON public.audit_entries USING btree (tenant_id, target_id, seq);


--
-- Name: idempotency_keys_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_keys_expiry ON public.idempotency_keys USING btree (expires_at);


--
-- Name: parties_customer_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX parties_customer_type ON public.parties USING btree (tenant_id, customer_type);


--
-- Name: parties_email; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX parties_email ON public.parties USING btree (tenant_id, email_key text_pattern_ops);


--
-- Name: parties_live_email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX parties_live_email ON public.parties USING btree (tenant_id, kind, email_key) WHERE ((email_key IS NOT NULL) AND (state <> 'deleted'::text));


--
-- Name: parties_live_phone; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX parties_live_phone ON public.parties USING btree (tenant_id, kind, phone) WHERE ((phone IS NOT NULL) AND (state <> 'deleted'::text));


--
-- Name: parties_name; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX parties_name ON public.parties USING btree (tenant_id, name_key text_pattern_ops);


--
-- Name: parties_phone; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX parties_phone ON public.parties USING btree (tenant_id, phone text_pattern_ops);


--
-- Name: partner_accounts_customer; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX partner_accounts_customer ON public.partner_accounts USING btree (tenant_id, customer_id);


--
-- Name: party_closure_up; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX party_closure_up ON public.party_closure USING btree (tenant_id, type, descendant_id, ancestor_id);


--
-- Name: party_roles_role; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX party_roles_role ON public.party_roles USING btree (tenant_id, role, party_id);


--
-- Name: party_state_history_party; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX party_state_history_party ON public.party_state_history USING btree (tenant_id, party_id, id);


--
-- Name: party_tags_tag; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX party_tags_tag ON public.party_tags USING btree (tenant_id, tag_id, party_id);


--
-- Name: provisioning_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX provisioning_due ON public.provisioning USING btree (due_at) WHERE (due_at IS NOT NULL);


--
-- Name: relationship_history_down; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX relationship_history_down ON public.relationship_history USING btree (tenant_id, parent_id, type);


--
-- Name: relationship_history_up; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX relationship_history_up ON public.relationship_history USING btree (tenant_id, child_id, type);


--
-- Name: relationships_down; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX relationships_down ON public.relationships USING btree (tenant_id, type, parent_id, child_id);


--
-- Name: relationships_up; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX relationships_up ON public.relationships USING btree (tenant_id, child_id, type, parent_id);


--
-- Name: relationships_windowed; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX relationships_windowed ON public.relationships USING btree (tenant_id, type) WHERE ((valid_from IS NOT NULL) OR (valid_to IS NOT NULL));


--
-- Name: user_roles_role; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX user_roles_role ON public.user_roles USING btree (tenant_id, role_id, user_id);


--
-- Name: users_email; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_email ON public.users USING btree (tenant_id, email_key) WHERE (email_key IS NOT NULL);


--
-- Name: users_employee; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX users_employee ON public.users USING btree (tenant_id, employee_key);


--
-- Name: users_party; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_party ON public.users USING btree (tenant_id, party_id) WHERE (party_id IS NOT NULL);


--
-- Name: users_sso; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_sso ON public.users USING btree (tenant_id, sso_issuer, sso_subject) WHERE (sso_subject IS NOT NULL);


--
-- Name: access_changes access_changes_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.access_changes
    ADD CONSTRAINT access_changes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: api_keys api_keys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_keys
    ADD CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: audit_entries audit_entries_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_entries
    ADD CONSTRAINT audit_entries_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: audit_heads audit_heads_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_heads
    ADD CONSTRAINT audit_heads_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: idempotency_keys idempotency_keys_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: organization_domains organization_domains_tenant_id_party_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.organization_domains
    ADD CONSTRAINT organization_domains_tenant_id_party_id_fkey FOREIGN KEY (tenant_id, party_id) REFERENCES public.parties(tenant_id, id) ON DELETE CASCADE;


--
-- Name: parties parties_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.parties
    ADD CONSTRAINT parties_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: partner_accounts partner_accounts_tenant_id_customer_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_accounts
    ADD CONSTRAINT partner_accounts_tenant_id_customer_id_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES public.parties(tenant_id, id);


--
-- Name: partner_accounts partner_accounts_tenant_id_partner_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.partner_accounts
    ADD CONSTRAINT partner_accounts_tenant_id_partner_id_fkey FOREIGN KEY (tenant_id, partner_id) REFERENCES public.parties(tenant_id, id);


--
-- Name: party_roles party_roles_tenant_id_party_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_roles
    ADD CONSTRAINT party_roles_tenant_id_party_id_fkey FOREIGN KEY (tenant_id, party_id) REFERENCES public.parties(tenant_id, id) ON DELETE CASCADE;


--
-- Name: party_state_history party_state_history_tenant_id_party_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_state_history
    ADD CONSTRAINT party_state_history_tenant_id_party_id_fkey FOREIGN KEY (tenant_id, party_id) REFERENCES public.parties(tenant_id, id) ON DELETE CASCADE;


--
-- Name: party_tags party_tags_tenant_id_party_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_tags
    ADD CONSTRAINT party_tags_tenant_id_party_id_fkey FOREIGN KEY (tenant_id, party_id) REFERENCES public.parties(tenant_id, id) ON DELETE CASCADE;


--
-- Name: party_tags party_tags_tenant_id_tag_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.party_tags
    ADD CONSTRAINT party_tags_tenant_id_tag_id_fkey FOREIGN KEY (tenant_id, tag_id) REFERENCES public.tags(tenant_id, id) ON DELETE CASCADE;


--
-- Name: provisioning provisioning_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.provisioning
    ADD CONSTRAINT provisioning_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: relationship_history relationship_history_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationship_history
    ADD CONSTRAINT relationship_history_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: relationships relationships_tenant_id_child_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationships
    ADD CONSTRAINT relationships_tenant_id_child_id_fkey FOREIGN KEY (tenant_id, child_id) REFERENCES public.parties(tenant_id, id);


--
-- Name: relationships relationships_tenant_id_parent_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.relationships
    ADD CONSTRAINT relationships_tenant_id_parent_id_fkey FOREIGN KEY (tenant_id, parent_id) REFERENCES public.parties(tenant_id, id);


--
-- Name: role_grant_history role_grant_history_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role_grant_history
    ADD CONSTRAINT role_grant_history_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: roles roles_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: roles roles_tenant_id_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.roles
    ADD CONSTRAINT roles_tenant_id_organization_id_fkey FOREIGN KEY (tenant_id, organization_id) REFERENCES public.parties(tenant_id, id);


--
-- Name: segments segments_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.segments
    ADD CONSTRAINT segments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: tags tags_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tags
    ADD CONSTRAINT tags_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: user_roles user_roles_tenant_id_role_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_tenant_id_role_id_fkey FOREIGN KEY (tenant_id, role_id) REFERENCES public.roles(tenant_id, id) ON DELETE CASCADE;


--
-- Name: user_roles user_roles_tenant_id_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_roles
    ADD CONSTRAINT user_roles_tenant_id_user_id_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES public.users(tenant_id, id) ON DELETE CASCADE;


--
-- Name: users users_tenant_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES public.tenants(id);


--
-- Name: users users_tenant_id_party_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_tenant_id_party_id_fkey FOREIGN KEY (tenant_id, party_id) REFERENCES public.parties(tenant_id, id);


--
-- PostgreSQL database dump complete
--

\unrestrict iKjM9bFwRTsV3CaJxPuF3f9aScCRMRw3a4YE19maj0qyP89yhoA7D8Ko4LjcrlM

