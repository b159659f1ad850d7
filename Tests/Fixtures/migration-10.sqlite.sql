PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
);
INSERT INTO schema_migrations VALUES(1,'tenants, parties, state history, audit, platform tokens',1796210059);
INSERT INTO schema_migrations VALUES(2,'relationships, closure table, tags, partner accounts, organization domains',1796210059);
INSERT INTO schema_migrations VALUES(3,'users, segments, API keys',1796210059);
INSERT INTO schema_migrations VALUES(4,'roles and grants',1796210059);
INSERT INTO schema_migrations VALUES(5,'api key roles',1796210059);
INSERT INTO schema_migrations VALUES(6,'provisioning workflows and idempotency keys',1796210059);
INSERT INTO schema_migrations VALUES(7,'settings of the installation (the secret key''s check value)',1796210059);
INSERT INTO schema_migrations VALUES(8,'edges with a validity window, found fast',1796210059);
INSERT INTO schema_migrations VALUES(9,'access versions and the changes that made them',1796210059);
INSERT INTO schema_migrations VALUES(10,'history of edges and grants, for answers as of a past instant',1796210059);
CREATE TABLE tenants (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    settings TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL
, access_version INTEGER NOT NULL DEFAULT 0);
INSERT INTO tenants VALUES('01a23676-67be-72d0-9430-f28be1ed3782','management','Management','active','{"autoLinkContacts":false}',1796210059198979,1796210059198979,1,2);
INSERT INTO tenants VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','acme','Acme Farming Ltd','active','{"autoLinkContacts":false,"defaultCallingCode":"44"}',1796210059202350,1796210059205569,2,17);
INSERT INTO tenants VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea','globex','Globex Seeds Inc','active','{"autoLinkContacts":false,"defaultCallingCode":"1"}',1796210059214086,1796210059215765,2,0);
INSERT INTO tenants VALUES('01a23676-8619-736e-9e32-abe35ff56244','initech','Initech','active','{"autoLinkContacts":false}',1796210066968694,1796210066973215,2,0);
CREATE TABLE platform_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
INSERT INTO platform_tokens VALUES('bootstrap-1d7cdc46','bootstrap (generated)','1d7cdc46f18a7fb679129a76a3105e5abc5072d71d71282226b6116a6a565065',1796210059200974);
CREATE TABLE parties (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('person', 'organization')),
    first_name TEXT,
    last_name TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    website TEXT,
    email_domains TEXT NOT NULL,
    note TEXT,
    customer_type TEXT,
    roles TEXT NOT NULL,
    properties TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'suspended', 'archived', 'deleted')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version INTEGER NOT NULL,
    email_key TEXT,
    first_key TEXT,
    last_key TEXT,
    name_key TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67c3-72b5-9277-b34fd1a8ae3b','person','Ada','Lovelace',NULL,'ada@acme.example',NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059203648,1796210059203648,1,'ada@acme.example','ada','lovelace','ada lovelace');
INSERT INTO parties VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d2-a1ff-250f085f2481','organization',NULL,NULL,'Acme Farming Ltd',NULL,NULL,NULL,'[]',NULL,'unregistered','["customer"]','{"tenantId":"01a23676-67c2-71ca-b09f-e17a8d24b067","tenantSlug":"acme"}','active',1796210059206206,1796210059206206,1,NULL,NULL,NULL,'acme farming ltd');
INSERT INTO parties VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d4-8d1a-b89342d2234d','person','Ada','Lovelace',NULL,'ada@acme.example',NULL,NULL,'[]',NULL,NULL,'["contact"]','{}','active',1796210059206808,1796210059206808,1,'ada@acme.example','ada','lovelace','ada lovelace');
INSERT INTO parties VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea','01a23676-67ce-7288-af91-c54a9de81c76','person','Grace','Hopper',NULL,'grace@globex.example',NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059214725,1796210059214725,1,'grace@globex.example','grace','hopper','grace hopper');
INSERT INTO parties VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7371-ba30-12ff1587cff2','organization',NULL,NULL,'Globex Seeds Inc',NULL,NULL,NULL,'[]',NULL,'unregistered','["customer"]','{"tenantId":"01a23676-67ce-7287-aa9b-1c4f144c81ea","tenantSlug":"globex"}','active',1796210059216324,1796210059216324,1,NULL,NULL,NULL,'globex seeds inc');
INSERT INTO parties VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7373-8728-24150bc87865','person','Grace','Hopper',NULL,'grace@globex.example',NULL,NULL,'[]',NULL,NULL,'["contact"]','{}','active',1796210059216743,1796210059216743,1,'grace@globex.example','grace','hopper','grace hopper');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67d4-73b3-92fd-5fd50d5164d3','organization',NULL,NULL,'Green Valley Growers','info@greenvalley.example','442079460958','https://www.greenvalley.example','["greenvalley.example"]',NULL,NULL,'["partner"]','{"website":"https://www.greenvalley.example"}','active',1796210059220078,1796210059220078,1,'info@greenvalley.example',NULL,NULL,'green valley growers');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e6-7358-9246-ed1378d30e78','organization',NULL,NULL,'Riverside Dealers',NULL,'441614960000','https://riverside.example','["riverside.example"]',NULL,NULL,'["dealer"]','{"website":"https://riverside.example"}','active',1796210059238217,1796210059238217,1,NULL,NULL,NULL,'riverside dealers');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e7-701b-9420-cd049aa837b0','person','Alice','Archer',NULL,'alice@greenvalley.example','447700900123',NULL,'[]',NULL,'regular','["customer"]','{}','active',1796210059239187,1796210059239187,1,'alice@greenvalley.example','alice','archer','alice archer');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e8-7399-954d-a4c2e7da59f8','person','Bob','Baker',NULL,'bob.baker@example.com','447700900456',NULL,'[]',NULL,'regular','["customer"]','{}','active',1796210059240133,1796210059240133,1,'bob.baker@example.com','bob','baker','bob baker');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e8-739b-85f0-d6c853946693','person','Carol','Chen',NULL,'carol@example.org',NULL,NULL,'[]',NULL,'unregistered','["customer"]','{}','active',1796210059240878,1796210059240878,1,'carol@example.org','carol','chen','carol chen');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e9-71fb-9d53-615bb3ce77ff','person','Dev','Patel',NULL,NULL,'447700900789',NULL,'[]',NULL,'new','["customer"]','{}','active',1796210059241526,1796210059241526,1,NULL,'dev','patel','dev patel');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7045-8e79-f74bb3a02b72','person','Walk-in','Customer',NULL,NULL,NULL,NULL,'[]',NULL,'anonymous','["customer"]','{}','active',1796210059242158,1796210059242158,1,NULL,'walk-in','customer','walk-in customer');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7047-9b41-91964fe8d622','person','Erin','Evans',NULL,'erin@riverside.example','447700900321',NULL,'[]','Planter, north fields',NULL,'["planter"]','{"crop":"wheat","hectares":42.5}','active',1796210059242602,1796210059242602,1,'erin@riverside.example','erin','evans','erin evans');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67eb-7276-abf3-0ee5494383a1','person','Frank','Foster',NULL,'frank@riverside.example',NULL,NULL,'[]',NULL,NULL,'["contact"]','{}','active',1796210059243334,1796210059243334,1,'frank@riverside.example','frank','foster','frank foster');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f1-72df-8fc7-894f2097fc0f','organization',NULL,NULL,'Acme Farming Group',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059249339,1796210059249339,1,NULL,NULL,NULL,'acme farming group');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f1-72e1-9649-356fd34be7a9','organization',NULL,NULL,'North Region',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059249798,1796210059249798,1,NULL,NULL,NULL,'north region');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f3-7213-bdda-decdf32e38e0','organization',NULL,NULL,'Hill Farm',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059251112,1796210059251112,1,NULL,NULL,NULL,'hill farm');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f4-7146-ba13-cbce8e1d2899','person','Gwen','Hillfield',NULL,NULL,'447700901001',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059252553,1796210059252553,1,NULL,'gwen','hillfield','gwen hillfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f6-721b-875e-eda978492c44','person','Hari','Hillfield',NULL,NULL,'447700901002',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059254172,1796210059254172,1,NULL,'hari','hillfield','hari hillfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f8-709c-9f12-6f4832dfd4f7','organization',NULL,NULL,'Moor Farm',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059256334,1796210059256334,1,NULL,NULL,NULL,'moor farm');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f9-7285-9ffc-f1f3df3f504b','person','Gwen','Moorfield',NULL,NULL,'447700901003',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059257630,1796210059257630,1,NULL,'gwen','moorfield','gwen moorfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fb-70b5-b282-51a66e3e6864','person','Hari','Moorfield',NULL,NULL,'447700901004',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059259116,1796210059259116,1,NULL,'hari','moorfield','hari moorfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fc-73d5-8f9a-ee21889cd4c9','organization',NULL,NULL,'South Region',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059260562,1796210059260562,1,NULL,NULL,NULL,'south region');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fd-71a4-85e6-27ad299835c1','organization',NULL,NULL,'Valley Farm',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059261743,1796210059261743,1,NULL,NULL,NULL,'valley farm');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fe-70ed-af33-2d38415ab01e','person','Gwen','Valleyfield',NULL,NULL,'447700901005',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059262958,1796210059262958,1,NULL,'gwen','valleyfield','gwen valleyfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6800-7395-97ed-17fbe1b11393','person','Hari','Valleyfield',NULL,NULL,'447700901006',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059264469,1796210059264469,1,NULL,'hari','valleyfield','hari valleyfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6801-72f2-8f57-c48db81ee00a','organization',NULL,NULL,'Coastal Farm',NULL,NULL,NULL,'[]',NULL,NULL,'[]','{}','active',1796210059265923,1796210059265923,1,NULL,NULL,NULL,'coastal farm');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6802-7088-9b04-9468f65e57ec','person','Gwen','Coastalfield',NULL,NULL,'447700901007',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059266953,1796210059266953,1,NULL,'gwen','coastalfield','gwen coastalfield');
INSERT INTO parties VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-680c-712b-acf1-dbb795a5ba96','person','Hari','Coastalfield',NULL,NULL,'447700901008',NULL,'[]',NULL,NULL,'["planter"]','{}','active',1796210059276611,1796210059276611,1,NULL,'hari','coastalfield','hari coastalfield');
INSERT INTO parties VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-861e-7011-b133-42182bf06b49','organization',NULL,NULL,'Initech',NULL,NULL,NULL,'[]',NULL,'unregistered','["customer"]','{"tenantId":"01a23676-8619-736e-9e32-abe35ff56244","tenantSlug":"initech"}','active',1796210066974145,1796210066974145,1,NULL,NULL,NULL,'initech');
CREATE TABLE party_roles (
    tenant_id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (tenant_id, party_id, role),
    FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO party_roles VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d2-a1ff-250f085f2481','customer');
INSERT INTO party_roles VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d4-8d1a-b89342d2234d','contact');
INSERT INTO party_roles VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7371-ba30-12ff1587cff2','customer');
INSERT INTO party_roles VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7373-8728-24150bc87865','contact');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67d4-73b3-92fd-5fd50d5164d3','partner');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e6-7358-9246-ed1378d30e78','dealer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e7-701b-9420-cd049aa837b0','customer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e8-7399-954d-a4c2e7da59f8','customer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e8-739b-85f0-d6c853946693','customer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e9-71fb-9d53-615bb3ce77ff','customer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7045-8e79-f74bb3a02b72','customer');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7047-9b41-91964fe8d622','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67eb-7276-abf3-0ee5494383a1','contact');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f4-7146-ba13-cbce8e1d2899','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f6-721b-875e-eda978492c44','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f9-7285-9ffc-f1f3df3f504b','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fb-70b5-b282-51a66e3e6864','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fe-70ed-af33-2d38415ab01e','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6800-7395-97ed-17fbe1b11393','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6802-7088-9b04-9468f65e57ec','planter');
INSERT INTO party_roles VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-680c-712b-acf1-dbb795a5ba96','planter');
INSERT INTO party_roles VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-861e-7011-b133-42182bf06b49','customer');
CREATE TABLE party_state_history (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67c4-72dd-9f0d-748cbe574f31','01a23676-67c3-72b5-9277-b34fd1a8ae3b',NULL,'active',1796210059203648,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d3-ad10-f9f921ed5144','01a23676-67c6-73d2-a1ff-250f085f2481',NULL,'active',1796210059206206,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c7-70fd-95d7-a80c038be3db','01a23676-67c6-73d4-8d1a-b89342d2234d',NULL,'active',1796210059206808,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea','01a23676-67cf-709c-a1ee-632c0271801d','01a23676-67ce-7288-af91-c54a9de81c76',NULL,'active',1796210059214725,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7372-a797-a51b0b7d2ba3','01a23676-67d0-7371-ba30-12ff1587cff2',NULL,'active',1796210059216324,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7374-8c00-07580e9827c8','01a23676-67d0-7373-8728-24150bc87865',NULL,'active',1796210059216743,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e5-7336-8782-830da69a5ed3','01a23676-67d4-73b3-92fd-5fd50d5164d3',NULL,'active',1796210059220078,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e6-7359-8cd5-944893d9f6b1','01a23676-67e6-7358-9246-ed1378d30e78',NULL,'active',1796210059238217,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e7-701c-baf5-ca3b24745dae','01a23676-67e7-701b-9420-cd049aa837b0',NULL,'active',1796210059239187,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e8-739a-a4e6-ea4dcd7f5cbf','01a23676-67e8-7399-954d-a4c2e7da59f8',NULL,'active',1796210059240133,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e9-71fa-9d16-78ed4374fe15','01a23676-67e8-739b-85f0-d6c853946693',NULL,'active',1796210059240878,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e9-71fc-b774-84eba6f2bde4','01a23676-67e9-71fb-9d53-615bb3ce77ff',NULL,'active',1796210059241526,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7046-943f-1245c40bb681','01a23676-67ea-7045-8e79-f74bb3a02b72',NULL,'active',1796210059242158,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ea-7048-a7af-9caf6f219c6c','01a23676-67ea-7047-9b41-91964fe8d622',NULL,'active',1796210059242602,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67eb-7277-a7c1-9dbf7d36e7d2','01a23676-67eb-7276-abf3-0ee5494383a1',NULL,'active',1796210059243334,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f1-72e0-a272-5cbbe1e1998c','01a23676-67f1-72df-8fc7-894f2097fc0f',NULL,'active',1796210059249339,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f1-72e2-99ea-a85ffe79b0f4','01a23676-67f1-72e1-9649-356fd34be7a9',NULL,'active',1796210059249798,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f3-7214-8245-a7f35e38cfb2','01a23676-67f3-7213-bdda-decdf32e38e0',NULL,'active',1796210059251112,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f4-7147-8136-baf8d187239f','01a23676-67f4-7146-ba13-cbce8e1d2899',NULL,'active',1796210059252553,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f6-721c-99c1-026e88c70e59','01a23676-67f6-721b-875e-eda978492c44',NULL,'active',1796210059254172,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f8-709d-b8da-fe409f7438fd','01a23676-67f8-709c-9f12-6f4832dfd4f7',NULL,'active',1796210059256334,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f9-7286-aa96-52c38dce2bf3','01a23676-67f9-7285-9ffc-f1f3df3f504b',NULL,'active',1796210059257630,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fb-70b6-aec1-26c2481f14db','01a23676-67fb-70b5-b282-51a66e3e6864',NULL,'active',1796210059259116,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fc-73d6-9d97-f1c28175505a','01a23676-67fc-73d5-8f9a-ee21889cd4c9',NULL,'active',1796210059260562,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fd-71a5-a475-019fb5a0ceca','01a23676-67fd-71a4-85e6-27ad299835c1',NULL,'active',1796210059261743,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ff-712c-9369-a0128cc719d6','01a23676-67fe-70ed-af33-2d38415ab01e',NULL,'active',1796210059262958,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6800-7396-93ec-2d7649a8b0e1','01a23676-6800-7395-97ed-17fbe1b11393',NULL,'active',1796210059264469,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6801-72f3-b17d-7d22a460f769','01a23676-6801-72f2-8f57-c48db81ee00a',NULL,'active',1796210059265923,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6803-7006-bb1d-9ba62dcfc465','01a23676-6802-7088-9b04-9468f65e57ec',NULL,'active',1796210059266953,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-680d-70e7-b3c3-61089f449c2d','01a23676-680c-712b-acf1-dbb795a5ba96',NULL,'active',1796210059276611,'system','created');
INSERT INTO party_state_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-861e-7012-a7d1-647199941eb6','01a23676-861e-7011-b133-42182bf06b49',NULL,'active',1796210066974145,'system','created');
CREATE TABLE audit_entries (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    request_id TEXT,
    fields TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',1,1796210059199607,'system','tenant.create','tenant','01a23676-67be-72d0-9430-f28be1ed3782','migrate','["slug","name","settings"]','0000000000000000000000000000000000000000000000000000000000000000','a6554b888de3afa2f47576e4751ce13f8d80d0a3735cba382e763df22e69aa22');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',1,1796210059202734,'system','tenant.create','tenant','01a23676-67c2-71ca-b09f-e17a8d24b067','demo','["slug","name","settings","admin"]','0000000000000000000000000000000000000000000000000000000000000000','7c1c7541fd16a4f97fdae5c0974855b1bf81317e66585c5c59d4576121497c30');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',2,1796210059204383,'system','party.create','party','01a23676-67c3-72b5-9277-b34fd1a8ae3b','demo','["kind","firstName","lastName","email"]','7c1c7541fd16a4f97fdae5c0974855b1bf81317e66585c5c59d4576121497c30','e5ed090118c6b06ca68344f27815e5bf391cb9e6f8ff6c1621fc91e91fc6e16c');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',3,1796210059204641,'system','user.create','user','01a23676-67c4-72de-bbbe-d1d8f9aea47c','demo','["role","isActive","email","displayName","partyId"]','e5ed090118c6b06ca68344f27815e5bf391cb9e6f8ff6c1621fc91e91fc6e16c','decf09ae21275c129aa52f5a6d53ce51c6da48fae77d8440c20a082539dc2ba6');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',4,1796210059205659,'system','tenant.activate','tenant','01a23676-67c2-71ca-b09f-e17a8d24b067','demo','["status"]','decf09ae21275c129aa52f5a6d53ce51c6da48fae77d8440c20a082539dc2ba6','dc64f139808996d7b4c91aaacb8c4bf8e983a4c3d3a0f1f4b2e5b084dce32a10');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',2,1796210059206614,'system','party.create','party','01a23676-67c6-73d2-a1ff-250f085f2481','demo','["kind","name","customerType","roles","properties"]','a6554b888de3afa2f47576e4751ce13f8d80d0a3735cba382e763df22e69aa22','057f4fcd5e321e9bd520bf6b34e3a5a6a31ffaa064afedf40618d74f18a40720');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',3,1796210059207097,'system','party.create','party','01a23676-67c6-73d4-8d1a-b89342d2234d','demo','["kind","firstName","lastName","email","roles"]','057f4fcd5e321e9bd520bf6b34e3a5a6a31ffaa064afedf40618d74f18a40720','ad37db9770e8bf1497ef09b013900255ef8bf6eb8af5b1740238dd9d3aff7179');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',4,1796210059211033,'system','relationship.create','relationship','01a23676-67c8-70fd-a7f3-fda11ab9e1ed','demo','["parentId","childId","type","role"]','ad37db9770e8bf1497ef09b013900255ef8bf6eb8af5b1740238dd9d3aff7179','e0db56d78d50bbb7dbbd96d3dda47b5e1f6effb7905208d463b430866926edda');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',5,1796210059211680,'system','tag.create','tag','01a23676-67cb-72da-ab8e-77a150189dcb','demo','["text","color"]','e0db56d78d50bbb7dbbd96d3dda47b5e1f6effb7905208d463b430866926edda','58c644221a9c3f5f18fa5e7a820cf8158e8a5e2737aa3ad16b512302a445269c');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',6,1796210059211757,'system','party.tag','party','01a23676-67c6-73d2-a1ff-250f085f2481','demo','["tags"]','58c644221a9c3f5f18fa5e7a820cf8158e8a5e2737aa3ad16b512302a445269c','6b4e91c73b9d434f6ec92c02008807d26f635b284a3d14d3015ab349cef0c2da');
INSERT INTO audit_entries VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea',1,1796210059214208,'system','tenant.create','tenant','01a23676-67ce-7287-aa9b-1c4f144c81ea','demo','["slug","name","settings","admin"]','0000000000000000000000000000000000000000000000000000000000000000','127d6d0d781cafb635dfe37777f38f9f13379fdf184615f94d083c0b078483af');
INSERT INTO audit_entries VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea',2,1796210059215060,'system','party.create','party','01a23676-67ce-7288-af91-c54a9de81c76','demo','["kind","firstName","lastName","email"]','127d6d0d781cafb635dfe37777f38f9f13379fdf184615f94d083c0b078483af','7f22dfb4992390e30df75e0209ae0f501a2e039dcedd602ceabddbd448ad6f4b');
INSERT INTO audit_entries VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea',3,1796210059215143,'system','user.create','user','01a23676-67cf-709d-82cf-3c087fdac227','demo','["role","isActive","email","displayName","partyId"]','7f22dfb4992390e30df75e0209ae0f501a2e039dcedd602ceabddbd448ad6f4b','4bddb98f4c9b95c88479d42e060ab61451572d5ffc37a38df04f67b6934c5298');
INSERT INTO audit_entries VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea',4,1796210059215894,'system','tenant.activate','tenant','01a23676-67ce-7287-aa9b-1c4f144c81ea','demo','["status"]','4bddb98f4c9b95c88479d42e060ab61451572d5ffc37a38df04f67b6934c5298','8923a1c44f73a74c2fe8c7d317bcb8acb42344f76fac36bd5f4527649e8849a9');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',7,1796210059216555,'system','party.create','party','01a23676-67d0-7371-ba30-12ff1587cff2','demo','["kind","name","customerType","roles","properties"]','6b4e91c73b9d434f6ec92c02008807d26f635b284a3d14d3015ab349cef0c2da','347aad7a4c29cdc293dec17f6e2cf2bf832111c3a4cb3a6022e9bb02d065105a');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',8,1796210059216983,'system','party.create','party','01a23676-67d0-7373-8728-24150bc87865','demo','["kind","firstName","lastName","email","roles"]','347aad7a4c29cdc293dec17f6e2cf2bf832111c3a4cb3a6022e9bb02d065105a','178cc5d4c7a1c08aa46750ba03862f327f64e2f8f51181f3ab8e563e999ca8af');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',9,1796210059217909,'system','relationship.create','relationship','01a23676-67d1-7192-afc6-f5e20a5837b2','demo','["parentId","childId","type","role"]','178cc5d4c7a1c08aa46750ba03862f327f64e2f8f51181f3ab8e563e999ca8af','b84dd3565a31476daa9c85929eccba5e64a02d6a65b7a54c48a4e1876a3219ac');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',10,1796210059218055,'system','party.tag','party','01a23676-67d0-7371-ba30-12ff1587cff2','demo','["tags"]','b84dd3565a31476daa9c85929eccba5e64a02d6a65b7a54c48a4e1876a3219ac','d6e3f6fd3bac30c699627cdc71578636325a48e524839de3fae0c89671b36507');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',5,1796210059237638,'system','party.create','party','01a23676-67d4-73b3-92fd-5fd50d5164d3','demo','["kind","name","email","phone","website","roles","properties"]','dc64f139808996d7b4c91aaacb8c4bf8e983a4c3d3a0f1f4b2e5b084dce32a10','2d958251f242679075ded57c62b6ac1e573dd2f82fd3b18e63b3b3f027ccfb24');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',6,1796210059238707,'system','party.create','party','01a23676-67e6-7358-9246-ed1378d30e78','demo','["kind","name","phone","website","roles","properties"]','2d958251f242679075ded57c62b6ac1e573dd2f82fd3b18e63b3b3f027ccfb24','cbd9ab8e02089edbe49672f99ec9ad79cf3bbd458ad0363b95f572abcec06019');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',7,1796210059239657,'system','party.create','party','01a23676-67e7-701b-9420-cd049aa837b0','demo','["kind","firstName","lastName","email","phone","customerType","roles"]','cbd9ab8e02089edbe49672f99ec9ad79cf3bbd458ad0363b95f572abcec06019','49d021aac97bd103b61a42837990fef0a6bfb26ed775c3c2b8d58cb6a801c736');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',8,1796210059240507,'system','party.create','party','01a23676-67e8-7399-954d-a4c2e7da59f8','demo','["kind","firstName","lastName","email","phone","customerType","roles"]','49d021aac97bd103b61a42837990fef0a6bfb26ed775c3c2b8d58cb6a801c736','b5835f60877874f164e6adccb52da45f31bd259ef2e00486688e63e90d480ac0');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',9,1796210059241172,'system','party.create','party','01a23676-67e8-739b-85f0-d6c853946693','demo','["kind","firstName","lastName","email","customerType","roles"]','b5835f60877874f164e6adccb52da45f31bd259ef2e00486688e63e90d480ac0','183097a5254b9d69faae2e6be3cb89422938ef8ba1e19271079a3c4d2270ef2d');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',10,1796210059241817,'system','party.create','party','01a23676-67e9-71fb-9d53-615bb3ce77ff','demo','["kind","firstName","lastName","phone","customerType","roles"]','183097a5254b9d69faae2e6be3cb89422938ef8ba1e19271079a3c4d2270ef2d','220fee624ce01827c7917c02d9ff838334d75d2befc15ea2bd19840033ab5cd8');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',11,1796210059242285,'system','party.create','party','01a23676-67ea-7045-8e79-f74bb3a02b72','demo','["kind","firstName","lastName","customerType","roles"]','220fee624ce01827c7917c02d9ff838334d75d2befc15ea2bd19840033ab5cd8','333da1204815c2d64d094c3366af6c2f19f552d26c64fa435dec0181f0620041');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',12,1796210059242993,'system','party.create','party','01a23676-67ea-7047-9b41-91964fe8d622','demo','["kind","firstName","lastName","email","phone","note","roles","properties"]','333da1204815c2d64d094c3366af6c2f19f552d26c64fa435dec0181f0620041','8262894626cb456b66abf7b36619a17beebbdd782f510d99ff4ec7619b69f1af');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',13,1796210059243611,'system','party.create','party','01a23676-67eb-7276-abf3-0ee5494383a1','demo','["kind","firstName","lastName","email","roles"]','8262894626cb456b66abf7b36619a17beebbdd782f510d99ff4ec7619b69f1af','35a68226fdee73f5747c7325c2af644c79d7d5613dca65afcae9e1fab1ccac11');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',14,1796210059244839,'system','relationship.create','relationship','01a23676-67ec-71df-8432-fcecf901b759','demo','["parentId","childId","type","role"]','35a68226fdee73f5747c7325c2af644c79d7d5613dca65afcae9e1fab1ccac11','20d3427f8748d22d3a8b83d29918127e2ad1ba1941207de7692095d554d0f192');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',15,1796210059245894,'system','relationship.create','relationship','01a23676-67ed-7398-95fa-1c1814997ac4','demo','["parentId","childId","type","role"]','20d3427f8748d22d3a8b83d29918127e2ad1ba1941207de7692095d554d0f192','5b3ce139f13f80bfa37ef20d14c6e7453dc3f3ae0d5a224dc738ad9810f3ff9f');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',16,1796210059246875,'system','relationship.create','relationship','01a23676-67ee-733b-a02a-dd9753998d97','demo','["parentId","childId","type","role"]','5b3ce139f13f80bfa37ef20d14c6e7453dc3f3ae0d5a224dc738ad9810f3ff9f','8287bbcb83e5166764e81ada90e3e18fbb8980ceebb86de85b05b05776c31760');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',17,1796210059248254,'system','partner_account.create','partner_account','01a23676-67ef-70b3-ab4b-dc7672e3936a','demo','["partnerId","customerId","username","secret","active"]','8287bbcb83e5166764e81ada90e3e18fbb8980ceebb86de85b05b05776c31760','ea4d4f05e066ef95646d14138e7480cb3ef9b928d04250d10f42f3566cd83830');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',18,1796210059249075,'system','partner_account.create','partner_account','01a23676-67f1-72de-be55-02f5cc47bea1','demo','["partnerId","customerId","username","secret","active"]','ea4d4f05e066ef95646d14138e7480cb3ef9b928d04250d10f42f3566cd83830','b0d613fd9140926c632541666ec40016342004e433f0ddeca191727e4405f3e7');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',19,1796210059249498,'system','party.create','party','01a23676-67f1-72df-8fc7-894f2097fc0f','demo','["kind","name"]','b0d613fd9140926c632541666ec40016342004e433f0ddeca191727e4405f3e7','59d5eec3a0c8da112cf835d9efb9a5af3c74ac3c8af4b1f9cc51709aae4fd603');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',20,1796210059249879,'system','party.create','party','01a23676-67f1-72e1-9649-356fd34be7a9','demo','["kind","name"]','59d5eec3a0c8da112cf835d9efb9a5af3c74ac3c8af4b1f9cc51709aae4fd603','44685711f70ddfc9c8ea48dc4f1815d72cb2e89f9a440d74c01387845a4bb67f');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',21,1796210059250773,'system','relationship.create','relationship','01a23676-67f2-7383-b63f-02bf841e633d','demo','["parentId","childId","type","role"]','44685711f70ddfc9c8ea48dc4f1815d72cb2e89f9a440d74c01387845a4bb67f','e96f1c31448b7935a48bed3b595e0a6d8acc967ef424317d460840ad3f9d03a0');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',22,1796210059251220,'system','party.create','party','01a23676-67f3-7213-bdda-decdf32e38e0','demo','["kind","name"]','e96f1c31448b7935a48bed3b595e0a6d8acc967ef424317d460840ad3f9d03a0','b74b40034162e09883da6ff105882d9a0829e02fb2a415cb7ca0442296943901');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',23,1796210059252131,'system','relationship.create','relationship','01a23676-67f3-7215-af80-3cb4170481ac','demo','["parentId","childId","type","role"]','b74b40034162e09883da6ff105882d9a0829e02fb2a415cb7ca0442296943901','e3b40fb2c102929a9dd9525ff64ee272c6f7a7e1a734f015a1de441095062098');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',24,1796210059252851,'system','party.create','party','01a23676-67f4-7146-ba13-cbce8e1d2899','demo','["kind","firstName","lastName","phone","roles"]','e3b40fb2c102929a9dd9525ff64ee272c6f7a7e1a734f015a1de441095062098','d16c17fb9c73867052ea597ef9a1cf09c03c09b4f77adfabf139c18c536d8789');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',25,1796210059253810,'system','relationship.create','relationship','01a23676-67f5-72f3-9e71-85321deeba0d','demo','["parentId","childId","type","role"]','d16c17fb9c73867052ea597ef9a1cf09c03c09b4f77adfabf139c18c536d8789','534893376746933dbd2f617be460d67629b68673edf5dd72d830cc3afa83fae2');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',26,1796210059254437,'system','party.create','party','01a23676-67f6-721b-875e-eda978492c44','demo','["kind","firstName","lastName","phone","roles"]','534893376746933dbd2f617be460d67629b68673edf5dd72d830cc3afa83fae2','4d6cd7c298dcd39d835309cfb1f6ff09c26e3076b25da667bf0fda9b7d28591a');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',27,1796210059255292,'system','relationship.create','relationship','01a23676-67f7-7314-850d-9796eeea0d52','demo','["parentId","childId","type","role"]','4d6cd7c298dcd39d835309cfb1f6ff09c26e3076b25da667bf0fda9b7d28591a','24de3c566fe931ad39a2858463aae6880a19debde012470aa6499ef94b6a8d68');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',28,1796210059256002,'system','tag.create','tag','01a23676-67f7-7315-89a1-c74eed6dd808','demo','["text","color"]','24de3c566fe931ad39a2858463aae6880a19debde012470aa6499ef94b6a8d68','a5673e828dfdffc36e1b12e530decc104d8cc2cee55e2b7627a305fa889a5b09');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',29,1796210059256039,'system','party.tag','party','01a23676-67f3-7213-bdda-decdf32e38e0','demo','["tags"]','a5673e828dfdffc36e1b12e530decc104d8cc2cee55e2b7627a305fa889a5b09','8602604a1c4ee149066b39a142ec11cdd8fd773dd24a0cb36002a6fbca3b4338');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',30,1796210059256445,'system','party.create','party','01a23676-67f8-709c-9f12-6f4832dfd4f7','demo','["kind","name"]','8602604a1c4ee149066b39a142ec11cdd8fd773dd24a0cb36002a6fbca3b4338','9dd78b14a59bd2fc9021a27ed4f43b1b2152c02f8ce93be3b03877c77d10b0da');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',31,1796210059257268,'system','relationship.create','relationship','01a23676-67f9-7284-8e2a-941d0dddc98b','demo','["parentId","childId","type","role"]','9dd78b14a59bd2fc9021a27ed4f43b1b2152c02f8ce93be3b03877c77d10b0da','1e9437d7dd66eb9faddc20d9317d4a1c1d68751606c9be54ae15e15c75d354da');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',32,1796210059257897,'system','party.create','party','01a23676-67f9-7285-9ffc-f1f3df3f504b','demo','["kind","firstName","lastName","phone","roles"]','1e9437d7dd66eb9faddc20d9317d4a1c1d68751606c9be54ae15e15c75d354da','94047407a7371dc3562d11003e7023cc77fb3a4fdedf468c03d5ab75239af21f');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',33,1796210059258730,'system','relationship.create','relationship','01a23676-67fa-7013-b171-9e27f42f8f0f','demo','["parentId","childId","type","role"]','94047407a7371dc3562d11003e7023cc77fb3a4fdedf468c03d5ab75239af21f','bac001f915917a025d57563ae531a4dcaddb4f2bf988239d8bc8515e7e4b33d5');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',34,1796210059259348,'system','party.create','party','01a23676-67fb-70b5-b282-51a66e3e6864','demo','["kind","firstName","lastName","phone","roles"]','bac001f915917a025d57563ae531a4dcaddb4f2bf988239d8bc8515e7e4b33d5','e4c42e68c9830314a026960613c41f108a0efe2ba1631482a3f6598acb2e7b97');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',35,1796210059260178,'system','relationship.create','relationship','01a23676-67fb-70b7-bf62-eeb1d69a64a8','demo','["parentId","childId","type","role"]','e4c42e68c9830314a026960613c41f108a0efe2ba1631482a3f6598acb2e7b97','82dde0411c2d78c3d2ec3cf5b75a48b4833628374ec9448360f9e760e414a4f4');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',36,1796210059260671,'system','party.create','party','01a23676-67fc-73d5-8f9a-ee21889cd4c9','demo','["kind","name"]','82dde0411c2d78c3d2ec3cf5b75a48b4833628374ec9448360f9e760e414a4f4','5b8d72d75639022987b2ec1dba02b90353b4ad6bcd7ddb0697930bca09a5b96a');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',37,1796210059261415,'system','relationship.create','relationship','01a23676-67fd-71a3-9468-c23d84f426ce','demo','["parentId","childId","type","role"]','5b8d72d75639022987b2ec1dba02b90353b4ad6bcd7ddb0697930bca09a5b96a','5eb68e4358976ae4bc44387421a808c865c5e14c5cb0259f7b3618cd4f229741');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',38,1796210059261878,'system','party.create','party','01a23676-67fd-71a4-85e6-27ad299835c1','demo','["kind","name"]','5eb68e4358976ae4bc44387421a808c865c5e14c5cb0259f7b3618cd4f229741','36fe728e869fab58b5f74983d969dd88640693873689803cbc04691161a874a8');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',39,1796210059262630,'system','relationship.create','relationship','01a23676-67fe-70ec-a79a-01ba136a8404','demo','["parentId","childId","type","role"]','36fe728e869fab58b5f74983d969dd88640693873689803cbc04691161a874a8','924ba0df814cc26aae9b5cb201a1e8f9b613e654c25a25e130e6fb17b920cdcd');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',40,1796210059263207,'system','party.create','party','01a23676-67fe-70ed-af33-2d38415ab01e','demo','["kind","firstName","lastName","phone","roles"]','924ba0df814cc26aae9b5cb201a1e8f9b613e654c25a25e130e6fb17b920cdcd','308e55e494db4a0ce60041e957a282228ca2d075360f992c544c2ca63da94e7e');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',41,1796210059264080,'system','relationship.create','relationship','01a23676-67ff-712d-aaed-687680b0a42a','demo','["parentId","childId","type","role"]','308e55e494db4a0ce60041e957a282228ca2d075360f992c544c2ca63da94e7e','0ab2d61c388c51973cb9fbb5d5679c40a1c558789c2322eb59589dc0ef029e36');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',42,1796210059264736,'system','party.create','party','01a23676-6800-7395-97ed-17fbe1b11393','demo','["kind","firstName","lastName","phone","roles"]','0ab2d61c388c51973cb9fbb5d5679c40a1c558789c2322eb59589dc0ef029e36','bc2b063f2ff602930ba7fc63a116d92ac3ba8c84dacf96c8d015e4786b612f54');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',43,1796210059265655,'system','relationship.create','relationship','01a23676-6801-72f1-87bd-c3694000e614','demo','["parentId","childId","type","role"]','bc2b063f2ff602930ba7fc63a116d92ac3ba8c84dacf96c8d015e4786b612f54','987387ccce91bee76fa3845005585b5444aaf59c693f359857d8f0c977f927a6');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',44,1796210059266005,'system','party.create','party','01a23676-6801-72f2-8f57-c48db81ee00a','demo','["kind","name"]','987387ccce91bee76fa3845005585b5444aaf59c693f359857d8f0c977f927a6','f5809babbce9dbf545a5b4bd72c6c3777782b56dbee1d1866d0db42daf88a940');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',45,1796210059266639,'system','relationship.create','relationship','01a23676-6802-7087-b4f2-1ee94e38f6d6','demo','["parentId","childId","type","role"]','f5809babbce9dbf545a5b4bd72c6c3777782b56dbee1d1866d0db42daf88a940','4826ee965d2b9f68334d8a75fa424bf2bcee7e2809ef386f99c293027c6715c5');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',46,1796210059267218,'system','party.create','party','01a23676-6802-7088-9b04-9468f65e57ec','demo','["kind","firstName","lastName","phone","roles"]','4826ee965d2b9f68334d8a75fa424bf2bcee7e2809ef386f99c293027c6715c5','8055c8d3e4744f9f04c03a30cf29c9d67ee72ca8f8bab9f49acf7c6f6e42a1bd');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',47,1796210059268109,'system','relationship.create','relationship','01a23676-6803-7007-bd95-08fbafe4872b','demo','["parentId","childId","type","role"]','8055c8d3e4744f9f04c03a30cf29c9d67ee72ca8f8bab9f49acf7c6f6e42a1bd','cf3a0656edcdd4cf9e771f1e71deecae338910733f7bfc34413786a24ef8948d');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',48,1796210059277171,'system','party.create','party','01a23676-680c-712b-acf1-dbb795a5ba96','demo','["kind","firstName","lastName","phone","roles"]','cf3a0656edcdd4cf9e771f1e71deecae338910733f7bfc34413786a24ef8948d','c930c56ee7a1557a878e2a981d591bba5c08e0533e930f8cf7e87f52793f2a7c');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',49,1796210059279187,'system','relationship.create','relationship','01a23676-680e-7251-a0ee-c135453cb323','demo','["parentId","childId","type","role"]','c930c56ee7a1557a878e2a981d591bba5c08e0533e930f8cf7e87f52793f2a7c','86295ae04b53a19450986890453cd7613316dd67e11a17dd3b747327ba3728d6');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',50,1796210059280138,'system','tag.create','tag','01a23676-6810-72e2-89e8-f4185ad66ec4','demo','["text","color"]','86295ae04b53a19450986890453cd7613316dd67e11a17dd3b747327ba3728d6','1e66f776f7987d48ee0e7c84b396309656130fade870d4e7b78a45244a686a42');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',51,1796210059280213,'system','party.tag','party','01a23676-67e7-701b-9420-cd049aa837b0','demo','["tags"]','1e66f776f7987d48ee0e7c84b396309656130fade870d4e7b78a45244a686a42','5afbbce4bd5deadaa6092545c04b67e4436bcb81794cb1c2c4c971074ec06328');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',52,1796210059280940,'system','tag.create','tag','01a23676-6810-72e3-8393-5fcbdbd0b53e','demo','["text","color"]','5afbbce4bd5deadaa6092545c04b67e4436bcb81794cb1c2c4c971074ec06328','9bbe86a50c91905a91806e59bd0b1923d716d9233136dadc23026219e39c0e4b');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',53,1796210059281007,'system','party.tag','party','01a23676-67d4-73b3-92fd-5fd50d5164d3','demo','["tags"]','9bbe86a50c91905a91806e59bd0b1923d716d9233136dadc23026219e39c0e4b','0cb6283f95cd9f7c149ca5500b05ad3ea508bb7ddab71b071878ab87fedf870d');
INSERT INTO audit_entries VALUES('01a23676-8619-736e-9e32-abe35ff56244',1,1796210066969614,'platform:bootstrap-1d7cdc46','tenant.create','tenant','01a23676-8619-736e-9e32-abe35ff56244','01a23676-8616-738b-8b8f-81e12c89879b','["slug","name","settings"]','0000000000000000000000000000000000000000000000000000000000000000','96c7292a68a1787d6959c4d6e5e98683adb1719d80091776bda0d670ceda58dc');
INSERT INTO audit_entries VALUES('01a23676-8619-736e-9e32-abe35ff56244',2,1796210066973346,'system','tenant.activate','tenant','01a23676-8619-736e-9e32-abe35ff56244','01a23676-8616-738b-8b8f-81e12c89879b','["status"]','96c7292a68a1787d6959c4d6e5e98683adb1719d80091776bda0d670ceda58dc','18bf47a9bb435ae0414014d975d281dc43c403a027b030383ae6a5d799e853f3');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',11,1796210066974979,'system','party.create','party','01a23676-861e-7011-b133-42182bf06b49','01a23676-8616-738b-8b8f-81e12c89879b','["kind","name","customerType","roles","properties"]','d6e3f6fd3bac30c699627cdc71578636325a48e524839de3fae0c89671b36507','8f2696d5938d3fee19422bdb948e1bcddd2c30d5888a2b6bc2e15f2df002a2de');
INSERT INTO audit_entries VALUES('01a23676-67be-72d0-9430-f28be1ed3782',12,1796210066976216,'system','party.tag','party','01a23676-861e-7011-b133-42182bf06b49','01a23676-8616-738b-8b8f-81e12c89879b','["tags"]','8f2696d5938d3fee19422bdb948e1bcddd2c30d5888a2b6bc2e15f2df002a2de','b215566bd0c594b66f8b8e89da3d88afd6874d8743750106f08e0bae23426bea');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',54,1796210066994275,'platform:bootstrap-1d7cdc46','api_key.create','api_key','01a23676-8631-7009-9c09-157a0de3743d','01a23676-8630-7170-83f3-7d85bbac04d4','["name","role"]','0cb6283f95cd9f7c149ca5500b05ad3ea508bb7ddab71b071878ab87fedf870d','225a5533456dcdbdcfaccf433e10a63672df701ae42856c3be24ce3955e98ab3');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',55,1796210067012766,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67c3-72b5-9277-b34fd1a8ae3b','01a23676-8641-7150-84b5-381879236199','[]','225a5533456dcdbdcfaccf433e10a63672df701ae42856c3be24ce3955e98ab3','f946a99719d653f728e7f64c60190d69423d2dac3f9e7893c387b06bb390fceb');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',56,1796210067012772,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-8641-7150-84b5-381879236199','[]','f946a99719d653f728e7f64c60190d69423d2dac3f9e7893c387b06bb390fceb','1828c8cefa0d6dd04273d32eeceb7b02ed9ad98b36ac86fed8646f88ec9cfb04');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',57,1796210067012774,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67e6-7358-9246-ed1378d30e78','01a23676-8641-7150-84b5-381879236199','[]','1828c8cefa0d6dd04273d32eeceb7b02ed9ad98b36ac86fed8646f88ec9cfb04','4f5ca5ada9bc39cbb5e866fa15aa239aae2f5340ca2036200d10fd153b5793e6');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',58,1796210067012776,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67e7-701b-9420-cd049aa837b0','01a23676-8641-7150-84b5-381879236199','[]','4f5ca5ada9bc39cbb5e866fa15aa239aae2f5340ca2036200d10fd153b5793e6','beb210ec83bfb76e3161cb82d516a8b075fa4b8b5c64eeb9776f2f490eca2904');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',59,1796210067012777,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67e8-7399-954d-a4c2e7da59f8','01a23676-8641-7150-84b5-381879236199','[]','beb210ec83bfb76e3161cb82d516a8b075fa4b8b5c64eeb9776f2f490eca2904','5ff026ff4533e6e7e6f37097b9044abcb8039e19308998fc7600cff9b584749a');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',60,1796210067012779,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67e8-739b-85f0-d6c853946693','01a23676-8641-7150-84b5-381879236199','[]','5ff026ff4533e6e7e6f37097b9044abcb8039e19308998fc7600cff9b584749a','7a9498c1e261c877498d6de12d27ab68c49fe66dbf0371ef26b1e70ec4d09694');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',61,1796210067012781,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67e9-71fb-9d53-615bb3ce77ff','01a23676-8641-7150-84b5-381879236199','[]','7a9498c1e261c877498d6de12d27ab68c49fe66dbf0371ef26b1e70ec4d09694','4ccd4d078663af3e3df0e8121b98c6e778524e2867a43feda6c5844dcddb2a66');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',62,1796210067012782,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67ea-7045-8e79-f74bb3a02b72','01a23676-8641-7150-84b5-381879236199','[]','4ccd4d078663af3e3df0e8121b98c6e778524e2867a43feda6c5844dcddb2a66','15a4b760b373c3b71be060f5836368a80eab31e9281364353d9e051748d8a219');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',63,1796210067012784,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67ea-7047-9b41-91964fe8d622','01a23676-8641-7150-84b5-381879236199','[]','15a4b760b373c3b71be060f5836368a80eab31e9281364353d9e051748d8a219','efe63d6fe7bcd75893eda1e9faa0108648eb7e754cfb8a087a03ed1c4559970b');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',64,1796210067012786,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67eb-7276-abf3-0ee5494383a1','01a23676-8641-7150-84b5-381879236199','[]','efe63d6fe7bcd75893eda1e9faa0108648eb7e754cfb8a087a03ed1c4559970b','2a415c6f2c76f6d6043028e05764a6a028980458b42455f10ab1dfd11f432c1d');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',65,1796210067012787,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-8641-7150-84b5-381879236199','[]','2a415c6f2c76f6d6043028e05764a6a028980458b42455f10ab1dfd11f432c1d','150f9938b9ab7b509f9f258c79265f96f3d11ca4da73a831f1865a8a9e409620');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',66,1796210067012789,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-8641-7150-84b5-381879236199','[]','150f9938b9ab7b509f9f258c79265f96f3d11ca4da73a831f1865a8a9e409620','1d25d5b4a7bbd667f2e854a81f5297b000b143070bc57928d3499776d93f33e7');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',67,1796210067012790,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-8641-7150-84b5-381879236199','[]','1d25d5b4a7bbd667f2e854a81f5297b000b143070bc57928d3499776d93f33e7','aee532003e78eb02edc1db4ec45838f8f381b7c12e95f32b93a4b2ac4ba0bf36');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',68,1796210067012792,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f4-7146-ba13-cbce8e1d2899','01a23676-8641-7150-84b5-381879236199','[]','aee532003e78eb02edc1db4ec45838f8f381b7c12e95f32b93a4b2ac4ba0bf36','e63c3028b941e211870ec79f47472deb6cc5483fdb81f7bd1b75b519c25bf2dc');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',69,1796210067012794,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f6-721b-875e-eda978492c44','01a23676-8641-7150-84b5-381879236199','[]','e63c3028b941e211870ec79f47472deb6cc5483fdb81f7bd1b75b519c25bf2dc','6d7a2590db35aae0bba9b3227d7fc380dbdcf14c480931211956416a754d0cc7');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',70,1796210067012795,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-8641-7150-84b5-381879236199','[]','6d7a2590db35aae0bba9b3227d7fc380dbdcf14c480931211956416a754d0cc7','b1504a284a2de9c8eb5d1fab81d9286846e1ca83e9cb992e79cd7f1f22549898');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',71,1796210067012797,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67f9-7285-9ffc-f1f3df3f504b','01a23676-8641-7150-84b5-381879236199','[]','b1504a284a2de9c8eb5d1fab81d9286846e1ca83e9cb992e79cd7f1f22549898','c10f5a53e6681aa52cff8f5eed1ac16b5bdc34016e01cd88a41cc21538058a41');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',72,1796210067012798,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67fb-70b5-b282-51a66e3e6864','01a23676-8641-7150-84b5-381879236199','[]','c10f5a53e6681aa52cff8f5eed1ac16b5bdc34016e01cd88a41cc21538058a41','d541d613da1c1233c7fb84b14d325f48d7e2b6fc2bc7b912baa1aa79b95a72ff');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',73,1796210067012800,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-8641-7150-84b5-381879236199','[]','d541d613da1c1233c7fb84b14d325f48d7e2b6fc2bc7b912baa1aa79b95a72ff','23ab1f0a910c133743621da52ea42d10bbd2a4c3bc5c96399b3d05fb9eeaf2c4');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',74,1796210067012801,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-8641-7150-84b5-381879236199','[]','23ab1f0a910c133743621da52ea42d10bbd2a4c3bc5c96399b3d05fb9eeaf2c4','2f6753b3d34d22f6c07b02db28e608ba4890164a7d983fcac1d8ef7d124d69fa');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',75,1796210067012803,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-67fe-70ed-af33-2d38415ab01e','01a23676-8641-7150-84b5-381879236199','[]','2f6753b3d34d22f6c07b02db28e608ba4890164a7d983fcac1d8ef7d124d69fa','2c155124f2f710c8daea0d390c034c5fbd9338fae683052458dbac2a15c729d7');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',76,1796210067012805,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-6800-7395-97ed-17fbe1b11393','01a23676-8641-7150-84b5-381879236199','[]','2c155124f2f710c8daea0d390c034c5fbd9338fae683052458dbac2a15c729d7','4542d0d99854b50deddc99c0e879bd945143195bd889f0917d3d5c6c68ddaa0a');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',77,1796210067012806,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-8641-7150-84b5-381879236199','[]','4542d0d99854b50deddc99c0e879bd945143195bd889f0917d3d5c6c68ddaa0a','8a10c35986a18a0988934b79a9396f06263b6a557521aca582ef809729715b85');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',78,1796210067012807,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-6802-7088-9b04-9468f65e57ec','01a23676-8641-7150-84b5-381879236199','[]','8a10c35986a18a0988934b79a9396f06263b6a557521aca582ef809729715b85','01bd23da87ed9467dcd61d2fe8f221c13eb9d9b7b6432d15a02fe6ae9533a75f');
INSERT INTO audit_entries VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',79,1796210067012809,'platform:bootstrap-1d7cdc46','party.list','party','01a23676-680c-712b-acf1-dbb795a5ba96','01a23676-8641-7150-84b5-381879236199','[]','01bd23da87ed9467dcd61d2fe8f221c13eb9d9b7b6432d15a02fe6ae9533a75f','c3ab09564c80b28694d1c8bc580f980c22e4fd9510da9e8b80abdc52b102058e');
CREATE TABLE audit_heads (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_heads VALUES('01a23676-67be-72d0-9430-f28be1ed3782',12,'b215566bd0c594b66f8b8e89da3d88afd6874d8743750106f08e0bae23426bea');
INSERT INTO audit_heads VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',79,'c3ab09564c80b28694d1c8bc580f980c22e4fd9510da9e8b80abdc52b102058e');
INSERT INTO audit_heads VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea',4,'8923a1c44f73a74c2fe8c7d317bcb8acb42344f76fac36bd5f4527649e8849a9');
INSERT INTO audit_heads VALUES('01a23676-8619-736e-9e32-abe35ff56244',2,'18bf47a9bb435ae0414014d975d281dc43c403a027b030383ae6a5d799e853f3');
CREATE TABLE relationships (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    type TEXT NOT NULL,
    role TEXT,
    valid_from INTEGER,
    valid_to INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, parent_id, child_id, type),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES parties (tenant_id, id),
    FOREIGN KEY (tenant_id, child_id) REFERENCES parties (tenant_id, id)
);
INSERT INTO relationships VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c8-70fd-a7f3-fda11ab9e1ed','01a23676-67c6-73d2-a1ff-250f085f2481','01a23676-67c6-73d4-8d1a-b89342d2234d','employment','admin contact',NULL,NULL,1796210059208320);
INSERT INTO relationships VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d1-7192-afc6-f5e20a5837b2','01a23676-67d0-7371-ba30-12ff1587cff2','01a23676-67d0-7373-8728-24150bc87865','employment','admin contact',NULL,NULL,1796210059217414);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ec-71df-8432-fcecf901b759','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e7-701b-9420-cd049aa837b0','partnership','customer',NULL,NULL,1796210059244514);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ed-7398-95fa-1c1814997ac4','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e8-7399-954d-a4c2e7da59f8','partnership','customer',NULL,NULL,1796210059245650);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ee-733b-a02a-dd9753998d97','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e9-71fb-9d53-615bb3ce77ff','partnership','customer',NULL,NULL,1796210059246641);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f2-7383-b63f-02bf841e633d','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f1-72e1-9649-356fd34be7a9','structure','region',NULL,NULL,1796210059250492);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f3-7215-af80-3cb4170481ac','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f3-7213-bdda-decdf32e38e0','structure','farm',NULL,NULL,1796210059251898);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f5-72f3-9e71-85321deeba0d','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f4-7146-ba13-cbce8e1d2899','structure','planter',NULL,NULL,1796210059253560);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f7-7314-850d-9796eeea0d52','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f6-721b-875e-eda978492c44','structure','planter',NULL,NULL,1796210059255096);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f9-7284-8e2a-941d0dddc98b','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f8-709c-9f12-6f4832dfd4f7','structure','farm',NULL,NULL,1796210059257029);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fa-7013-b171-9e27f42f8f0f','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67f9-7285-9ffc-f1f3df3f504b','structure','planter',NULL,NULL,1796210059258529);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fb-70b7-bf62-eeb1d69a64a8','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67fb-70b5-b282-51a66e3e6864','structure','planter',NULL,NULL,1796210059259986);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fd-71a3-9468-c23d84f426ce','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fc-73d5-8f9a-ee21889cd4c9','structure','region',NULL,NULL,1796210059261227);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fe-70ec-a79a-01ba136a8404','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-67fd-71a4-85e6-27ad299835c1','structure','farm',NULL,NULL,1796210059262428);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ff-712d-aaed-687680b0a42a','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-67fe-70ed-af33-2d38415ab01e','structure','planter',NULL,NULL,1796210059263909);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6801-72f1-87bd-c3694000e614','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-6800-7395-97ed-17fbe1b11393','structure','planter',NULL,NULL,1796210059265462);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6802-7087-b4f2-1ee94e38f6d6','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-6801-72f2-8f57-c48db81ee00a','structure','farm',NULL,NULL,1796210059266461);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6803-7007-bd95-08fbafe4872b','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-6802-7088-9b04-9468f65e57ec','structure','planter',NULL,NULL,1796210059267877);
INSERT INTO relationships VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-680e-7251-a0ee-c135453cb323','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-680c-712b-acf1-dbb795a5ba96','structure','planter',NULL,NULL,1796210059278759);
CREATE TABLE party_closure (
    tenant_id TEXT NOT NULL,
    type TEXT NOT NULL,
    ancestor_id TEXT NOT NULL,
    descendant_id TEXT NOT NULL,
    depth INTEGER NOT NULL,
    paths BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, type, ancestor_id, descendant_id, depth)
);
INSERT INTO party_closure VALUES('01a23676-67be-72d0-9430-f28be1ed3782','employment','01a23676-67c6-73d2-a1ff-250f085f2481','01a23676-67c6-73d4-8d1a-b89342d2234d',1,1);
INSERT INTO party_closure VALUES('01a23676-67be-72d0-9430-f28be1ed3782','employment','01a23676-67d0-7371-ba30-12ff1587cff2','01a23676-67d0-7373-8728-24150bc87865',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','partnership','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e7-701b-9420-cd049aa837b0',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','partnership','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e8-7399-954d-a4c2e7da59f8',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','partnership','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e9-71fb-9d53-615bb3ce77ff',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f1-72e1-9649-356fd34be7a9',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f3-7213-bdda-decdf32e38e0',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f3-7213-bdda-decdf32e38e0',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f4-7146-ba13-cbce8e1d2899',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f4-7146-ba13-cbce8e1d2899',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f4-7146-ba13-cbce8e1d2899',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f6-721b-875e-eda978492c44',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f6-721b-875e-eda978492c44',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f6-721b-875e-eda978492c44',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f8-709c-9f12-6f4832dfd4f7',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f8-709c-9f12-6f4832dfd4f7',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f9-7285-9ffc-f1f3df3f504b',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f9-7285-9ffc-f1f3df3f504b',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67f9-7285-9ffc-f1f3df3f504b',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fb-70b5-b282-51a66e3e6864',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67fb-70b5-b282-51a66e3e6864',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67fb-70b5-b282-51a66e3e6864',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fc-73d5-8f9a-ee21889cd4c9',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fd-71a4-85e6-27ad299835c1',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-67fd-71a4-85e6-27ad299835c1',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fe-70ed-af33-2d38415ab01e',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-67fe-70ed-af33-2d38415ab01e',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-67fe-70ed-af33-2d38415ab01e',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-6800-7395-97ed-17fbe1b11393',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-6800-7395-97ed-17fbe1b11393',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-6800-7395-97ed-17fbe1b11393',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-6801-72f2-8f57-c48db81ee00a',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-6801-72f2-8f57-c48db81ee00a',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-6802-7088-9b04-9468f65e57ec',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-6802-7088-9b04-9468f65e57ec',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-6802-7088-9b04-9468f65e57ec',1,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-680c-712b-acf1-dbb795a5ba96',3,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-680c-712b-acf1-dbb795a5ba96',2,1);
INSERT INTO party_closure VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','structure','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-680c-712b-acf1-dbb795a5ba96',1,1);
CREATE TABLE tags (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    text TEXT NOT NULL,
    text_key TEXT NOT NULL,
    color TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, text_key)
);
INSERT INTO tags VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67cb-72da-ab8e-77a150189dcb','PSA Customer','psa customer','#a53a27',1796210059211546);
INSERT INTO tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f7-7315-89a1-c74eed6dd808','Organic','organic','#6f7312',1796210059255966);
INSERT INTO tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6810-72e2-89e8-f4185ad66ec4','VIP','vip','#238023',1796210059280091);
INSERT INTO tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6810-72e3-8393-5fcbdbd0b53e','Key Partner','key partner','#1d4ed8',1796210059280903);
CREATE TABLE party_tags (
    tenant_id TEXT NOT NULL,
    party_id TEXT NOT NULL,
    tag_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, party_id, tag_id),
    FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, tag_id) REFERENCES tags (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO party_tags VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c6-73d2-a1ff-250f085f2481','01a23676-67cb-72da-ab8e-77a150189dcb');
INSERT INTO party_tags VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d0-7371-ba30-12ff1587cff2','01a23676-67cb-72da-ab8e-77a150189dcb');
INSERT INTO party_tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f7-7315-89a1-c74eed6dd808');
INSERT INTO party_tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67e7-701b-9420-cd049aa837b0','01a23676-6810-72e2-89e8-f4185ad66ec4');
INSERT INTO party_tags VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-6810-72e3-8393-5fcbdbd0b53e');
INSERT INTO party_tags VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-861e-7011-b133-42182bf06b49','01a23676-67cb-72da-ab8e-77a150189dcb');
CREATE TABLE partner_accounts (
    tenant_id TEXT NOT NULL,
    id TEXT NOT NULL,
    partner_id TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    username TEXT NOT NULL,
    secret TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, partner_id, customer_id),
    FOREIGN KEY (tenant_id, partner_id) REFERENCES parties (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES parties (tenant_id, id)
);
INSERT INTO partner_accounts VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ef-70b3-ab4b-dc7672e3936a','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e7-701b-9420-cd049aa837b0','gvg-alice','v2:sYTaKh3GQKE4JIC6SxVtlHpYAus1mY9LWx/AuaLKKtRpdl3fTPJ4KgHetxzIrhvrlwgAfDyKQmAVg/ObhxtIHftsRZRe/E7d',1,1796210059247726,1796210059247726);
INSERT INTO partner_accounts VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f1-72de-be55-02f5cc47bea1','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e8-7399-954d-a4c2e7da59f8','gvg-bob','v2:G9rykzAaWInCsIJ2gdEAiXjBCIBVZhDtOXldL9ITpX5l8e2ktKBFyTbtMWw5ILtrIEBMjRuxEGv/ohGXTsV8LSWIGV6FBTim',1,1796210059249008,1796210059249008);
CREATE TABLE organization_domains (
    tenant_id TEXT NOT NULL,
    domain TEXT NOT NULL,
    party_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, domain, party_id),
    FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id) ON DELETE CASCADE
);
INSERT INTO organization_domains VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','greenvalley.example','01a23676-67d4-73b3-92fd-5fd50d5164d3');
INSERT INTO organization_domains VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','riverside.example','01a23676-67e6-7358-9246-ed1378d30e78');
CREATE TABLE users (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    email TEXT,
    sso_issuer TEXT,
    sso_subject TEXT,
    employee_id TEXT,
    display_name TEXT,
    designation TEXT,
    department TEXT,
    role TEXT NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
    is_active INTEGER NOT NULL,
    party_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version BIGINT NOT NULL,
    email_key TEXT,
    employee_key TEXT,
    display_key TEXT,
    designation_key TEXT,
    department_key TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, party_id) REFERENCES parties (tenant_id, id)
);
INSERT INTO users VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67c4-72de-bbbe-d1d8f9aea47c','ada@acme.example',NULL,NULL,NULL,'Ada Lovelace',NULL,NULL,'ADMIN',1,'01a23676-67c3-72b5-9277-b34fd1a8ae3b',1796210059203648,1796210059203648,1,'ada@acme.example',NULL,'ada lovelace',NULL,NULL);
INSERT INTO users VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea','01a23676-67cf-709d-82cf-3c087fdac227','grace@globex.example',NULL,NULL,NULL,'Grace Hopper',NULL,NULL,'ADMIN',1,'01a23676-67ce-7288-af91-c54a9de81c76',1796210059214725,1796210059214725,1,'grace@globex.example',NULL,'grace hopper',NULL,NULL);
CREATE TABLE segments (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    name TEXT NOT NULL,
    rules TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, name)
);
CREATE TABLE api_keys (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('USER', 'MANAGEMENT', 'ADMIN')),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER, role_ids TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO api_keys VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-8631-7009-9c09-157a0de3743d','fixture key','jj74ImiO','98d0046da221b931dc42c36e7925114983400817756fe43b3c577f245b1db51c','USER',1796210066993932,NULL,'[]');
CREATE TABLE roles (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    policies TEXT NOT NULL,
    organization_id TEXT,
    relationship_type TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name_key),
    FOREIGN KEY (tenant_id, organization_id) REFERENCES parties (tenant_id, id)
);
CREATE TABLE user_roles (
    tenant_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);
CREATE TABLE provisioning (
    tenant_id TEXT PRIMARY KEY REFERENCES tenants(id),
    state TEXT NOT NULL,
    due_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER,
    version INTEGER NOT NULL
);
INSERT INTO provisioning VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','{"adminPartyID":"01A23676-67C3-72B5-9277-B34FD1A8AE3B","adminUserID":"01A23676-67C4-72DE-BBBE-D1D8F9AEA47C","finishedAt":817902859.205663,"phase":"active","startedAt":817902859.2023499,"tracking":{"attempts":0,"companyID":"01A23676-67C6-73D2-A1FF-250F085F2481","contactID":"01A23676-67C6-73D4-8D1A-B89342D2234D","managementTenant":"management","relationshipID":"01A23676-67C8-70FD-A7F3-FDA11AB9E1ED","status":"tracked","tag":"PSA Customer","tagID":"01A23676-67CB-72DA-AB8E-77A150189DCB","withContact":true}}',NULL,NULL,NULL,4);
INSERT INTO provisioning VALUES('01a23676-67ce-7287-aa9b-1c4f144c81ea','{"adminPartyID":"01A23676-67CE-7288-AF91-C54A9DE81C76","adminUserID":"01A23676-67CF-709D-82CF-3C087FDAC227","finishedAt":817902859.215898,"phase":"active","startedAt":817902859.214086,"tracking":{"attempts":0,"companyID":"01A23676-67D0-7371-BA30-12FF1587CFF2","contactID":"01A23676-67D0-7373-8728-24150BC87865","managementTenant":"management","relationshipID":"01A23676-67D1-7192-AFC6-F5E20A5837B2","status":"tracked","tag":"PSA Customer","tagID":"01A23676-67CB-72DA-AB8E-77A150189DCB","withContact":true}}',NULL,NULL,NULL,4);
INSERT INTO provisioning VALUES('01a23676-8619-736e-9e32-abe35ff56244','{"finishedAt":817902866.973357,"phase":"active","startedAt":817902866.968694,"tracking":{"attempts":0,"companyID":"01A23676-861E-7011-B133-42182BF06B49","managementTenant":"management","status":"tracked","tag":"PSA Customer","tagID":"01A23676-67CB-72DA-AB8E-77A150189DCB","withContact":false}}',NULL,NULL,NULL,4);
CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    expires_at INTEGER NOT NULL
);
INSERT INTO idempotency_keys VALUES('fixture-initech','efb1b543e26d9844db44ed71e22c171051d7ed94cb50ecbed47f6727bc30a1ec','01a23676-8619-736e-9e32-abe35ff56244',1796296466968694);
CREATE TABLE roster_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO roster_settings VALUES('secret_key_check','33cce1684e107246dca0bd6f353f6484');
CREATE TABLE access_changes (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    version INTEGER NOT NULL,
    change TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
INSERT INTO access_changes VALUES('01a23676-67be-72d0-9430-f28be1ed3782',1,'{"edgeAdded":{"_0":{"childID":"01A23676-67C6-73D4-8D1A-B89342D2234D","createdAt":1796210059208320,"id":"01A23676-67C8-70FD-A7F3-FDA11AB9E1ED","parentID":"01A23676-67C6-73D2-A1FF-250F085F2481","role":"admin contact","tenantID":"01A23676-67BE-72D0-9430-F28BE1ED3782","type":"employment"}}}',1796210059210925);
INSERT INTO access_changes VALUES('01a23676-67be-72d0-9430-f28be1ed3782',2,'{"edgeAdded":{"_0":{"childID":"01A23676-67D0-7373-8728-24150BC87865","createdAt":1796210059217414,"id":"01A23676-67D1-7192-AFC6-F5E20A5837B2","parentID":"01A23676-67D0-7371-BA30-12FF1587CFF2","role":"admin contact","tenantID":"01A23676-67BE-72D0-9430-F28BE1ED3782","type":"employment"}}}',1796210059217816);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',1,'{"edgeAdded":{"_0":{"childID":"01A23676-67E7-701B-9420-CD049AA837B0","createdAt":1796210059244514,"id":"01A23676-67EC-71DF-8432-FCECF901B759","parentID":"01A23676-67D4-73B3-92FD-5FD50D5164D3","role":"customer","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"partnership"}}}',1796210059244817);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',2,'{"edgeAdded":{"_0":{"childID":"01A23676-67E8-7399-954D-A4C2E7DA59F8","createdAt":1796210059245650,"id":"01A23676-67ED-7398-95FA-1C1814997AC4","parentID":"01A23676-67D4-73B3-92FD-5FD50D5164D3","role":"customer","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"partnership"}}}',1796210059245878);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',3,'{"edgeAdded":{"_0":{"childID":"01A23676-67E9-71FB-9D53-615BB3CE77FF","createdAt":1796210059246641,"id":"01A23676-67EE-733B-A02A-DD9753998D97","parentID":"01A23676-67D4-73B3-92FD-5FD50D5164D3","role":"customer","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"partnership"}}}',1796210059246860);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',4,'{"edgeAdded":{"_0":{"childID":"01A23676-67F1-72E1-9649-356FD34BE7A9","createdAt":1796210059250492,"id":"01A23676-67F2-7383-B63F-02BF841E633D","parentID":"01A23676-67F1-72DF-8FC7-894F2097FC0F","role":"region","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059250755);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',5,'{"edgeAdded":{"_0":{"childID":"01A23676-67F3-7213-BDDA-DECDF32E38E0","createdAt":1796210059251898,"id":"01A23676-67F3-7215-AF80-3CB4170481AC","parentID":"01A23676-67F1-72E1-9649-356FD34BE7A9","role":"farm","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059252115);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',6,'{"edgeAdded":{"_0":{"childID":"01A23676-67F4-7146-BA13-CBCE8E1D2899","createdAt":1796210059253560,"id":"01A23676-67F5-72F3-9E71-85321DEEBA0D","parentID":"01A23676-67F3-7213-BDDA-DECDF32E38E0","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059253795);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',7,'{"edgeAdded":{"_0":{"childID":"01A23676-67F6-721B-875E-EDA978492C44","createdAt":1796210059255096,"id":"01A23676-67F7-7314-850D-9796EEEA0D52","parentID":"01A23676-67F3-7213-BDDA-DECDF32E38E0","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059255276);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',8,'{"edgeAdded":{"_0":{"childID":"01A23676-67F8-709C-9F12-6F4832DFD4F7","createdAt":1796210059257029,"id":"01A23676-67F9-7284-8E2A-941D0DDDC98B","parentID":"01A23676-67F1-72E1-9649-356FD34BE7A9","role":"farm","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059257253);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',9,'{"edgeAdded":{"_0":{"childID":"01A23676-67F9-7285-9FFC-F1F3DF3F504B","createdAt":1796210059258529,"id":"01A23676-67FA-7013-B171-9E27F42F8F0F","parentID":"01A23676-67F8-709C-9F12-6F4832DFD4F7","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059258716);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',10,'{"edgeAdded":{"_0":{"childID":"01A23676-67FB-70B5-B282-51A66E3E6864","createdAt":1796210059259986,"id":"01A23676-67FB-70B7-BF62-EEB1D69A64A8","parentID":"01A23676-67F8-709C-9F12-6F4832DFD4F7","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059260164);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',11,'{"edgeAdded":{"_0":{"childID":"01A23676-67FC-73D5-8F9A-EE21889CD4C9","createdAt":1796210059261227,"id":"01A23676-67FD-71A3-9468-C23D84F426CE","parentID":"01A23676-67F1-72DF-8FC7-894F2097FC0F","role":"region","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059261398);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',12,'{"edgeAdded":{"_0":{"childID":"01A23676-67FD-71A4-85E6-27AD299835C1","createdAt":1796210059262428,"id":"01A23676-67FE-70EC-A79A-01BA136A8404","parentID":"01A23676-67FC-73D5-8F9A-EE21889CD4C9","role":"farm","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059262617);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',13,'{"edgeAdded":{"_0":{"childID":"01A23676-67FE-70ED-AF33-2D38415AB01E","createdAt":1796210059263909,"id":"01A23676-67FF-712D-AAED-687680B0A42A","parentID":"01A23676-67FD-71A4-85E6-27AD299835C1","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059264070);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',14,'{"edgeAdded":{"_0":{"childID":"01A23676-6800-7395-97ED-17FBE1B11393","createdAt":1796210059265462,"id":"01A23676-6801-72F1-87BD-C3694000E614","parentID":"01A23676-67FD-71A4-85E6-27AD299835C1","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059265645);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',15,'{"edgeAdded":{"_0":{"childID":"01A23676-6801-72F2-8F57-C48DB81EE00A","createdAt":1796210059266461,"id":"01A23676-6802-7087-B4F2-1EE94E38F6D6","parentID":"01A23676-67FC-73D5-8F9A-EE21889CD4C9","role":"farm","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059266629);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',16,'{"edgeAdded":{"_0":{"childID":"01A23676-6802-7088-9B04-9468F65E57EC","createdAt":1796210059267877,"id":"01A23676-6803-7007-BD95-08FBAFE4872B","parentID":"01A23676-6801-72F2-8F57-C48DB81EE00A","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059268093);
INSERT INTO access_changes VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067',17,'{"edgeAdded":{"_0":{"childID":"01A23676-680C-712B-ACF1-DBB795A5BA96","createdAt":1796210059278759,"id":"01A23676-680E-7251-A0EE-C135453CB323","parentID":"01A23676-6801-72F2-8F57-C48DB81EE00A","role":"planter","tenantID":"01A23676-67C2-71CA-B09F-E17A8D24B067","type":"structure"}}}',1796210059279160);
CREATE TABLE relationship_history (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    id TEXT NOT NULL,
    parent_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    type TEXT NOT NULL,
    role TEXT,
    valid_from INTEGER,
    valid_to INTEGER,
    created_at INTEGER NOT NULL,
    removed_at INTEGER,
    PRIMARY KEY (tenant_id, id)
);
INSERT INTO relationship_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67c8-70fd-a7f3-fda11ab9e1ed','01a23676-67c6-73d2-a1ff-250f085f2481','01a23676-67c6-73d4-8d1a-b89342d2234d','employment','admin contact',NULL,NULL,1796210059208320,NULL);
INSERT INTO relationship_history VALUES('01a23676-67be-72d0-9430-f28be1ed3782','01a23676-67d1-7192-afc6-f5e20a5837b2','01a23676-67d0-7371-ba30-12ff1587cff2','01a23676-67d0-7373-8728-24150bc87865','employment','admin contact',NULL,NULL,1796210059217414,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ec-71df-8432-fcecf901b759','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e7-701b-9420-cd049aa837b0','partnership','customer',NULL,NULL,1796210059244514,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ed-7398-95fa-1c1814997ac4','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e8-7399-954d-a4c2e7da59f8','partnership','customer',NULL,NULL,1796210059245650,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ee-733b-a02a-dd9753998d97','01a23676-67d4-73b3-92fd-5fd50d5164d3','01a23676-67e9-71fb-9d53-615bb3ce77ff','partnership','customer',NULL,NULL,1796210059246641,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f2-7383-b63f-02bf841e633d','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67f1-72e1-9649-356fd34be7a9','structure','region',NULL,NULL,1796210059250492,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f3-7215-af80-3cb4170481ac','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f3-7213-bdda-decdf32e38e0','structure','farm',NULL,NULL,1796210059251898,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f5-72f3-9e71-85321deeba0d','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f4-7146-ba13-cbce8e1d2899','structure','planter',NULL,NULL,1796210059253560,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f7-7314-850d-9796eeea0d52','01a23676-67f3-7213-bdda-decdf32e38e0','01a23676-67f6-721b-875e-eda978492c44','structure','planter',NULL,NULL,1796210059255096,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67f9-7284-8e2a-941d0dddc98b','01a23676-67f1-72e1-9649-356fd34be7a9','01a23676-67f8-709c-9f12-6f4832dfd4f7','structure','farm',NULL,NULL,1796210059257029,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fa-7013-b171-9e27f42f8f0f','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67f9-7285-9ffc-f1f3df3f504b','structure','planter',NULL,NULL,1796210059258529,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fb-70b7-bf62-eeb1d69a64a8','01a23676-67f8-709c-9f12-6f4832dfd4f7','01a23676-67fb-70b5-b282-51a66e3e6864','structure','planter',NULL,NULL,1796210059259986,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fd-71a3-9468-c23d84f426ce','01a23676-67f1-72df-8fc7-894f2097fc0f','01a23676-67fc-73d5-8f9a-ee21889cd4c9','structure','region',NULL,NULL,1796210059261227,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67fe-70ec-a79a-01ba136a8404','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-67fd-71a4-85e6-27ad299835c1','structure','farm',NULL,NULL,1796210059262428,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-67ff-712d-aaed-687680b0a42a','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-67fe-70ed-af33-2d38415ab01e','structure','planter',NULL,NULL,1796210059263909,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6801-72f1-87bd-c3694000e614','01a23676-67fd-71a4-85e6-27ad299835c1','01a23676-6800-7395-97ed-17fbe1b11393','structure','planter',NULL,NULL,1796210059265462,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6802-7087-b4f2-1ee94e38f6d6','01a23676-67fc-73d5-8f9a-ee21889cd4c9','01a23676-6801-72f2-8f57-c48db81ee00a','structure','farm',NULL,NULL,1796210059266461,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-6803-7007-bd95-08fbafe4872b','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-6802-7088-9b04-9468f65e57ec','structure','planter',NULL,NULL,1796210059267877,NULL);
INSERT INTO relationship_history VALUES('01a23676-67c2-71ca-b09f-e17a8d24b067','01a23676-680e-7251-a0ee-c135453cb323','01a23676-6801-72f2-8f57-c48db81ee00a','01a23676-680c-712b-acf1-dbb795a5ba96','structure','planter',NULL,NULL,1796210059278759,NULL);
CREATE TABLE role_grant_history (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (tenant_id, user_id, role_id, granted_at)
);
CREATE UNIQUE INDEX parties_live_email ON parties (tenant_id, kind, email_key) WHERE email_key IS NOT NULL AND state <> 'deleted';
CREATE UNIQUE INDEX parties_live_phone ON parties (tenant_id, kind, phone) WHERE phone IS NOT NULL AND state <> 'deleted';
CREATE INDEX parties_email ON parties (tenant_id, email_key);
CREATE INDEX parties_phone ON parties (tenant_id, phone);
CREATE INDEX parties_name ON parties (tenant_id, name_key);
CREATE INDEX parties_customer_type ON parties (tenant_id, customer_type);
CREATE INDEX party_roles_role ON party_roles (tenant_id, role, party_id);
CREATE INDEX party_state_history_party ON party_state_history (tenant_id, party_id, id);
CREATE INDEX audit_entries_target ON audit_entries (tenant_id, target_id, seq);
CREATE INDEX relationships_down ON relationships (tenant_id, type, parent_id, child_id);
CREATE INDEX relationships_up ON relationships (tenant_id, child_id, type, parent_id);
CREATE INDEX party_closure_up ON party_closure (tenant_id, type, descendant_id, ancestor_id);
CREATE INDEX party_tags_tag ON party_tags (tenant_id, tag_id, party_id);
CREATE INDEX partner_accounts_customer ON partner_accounts (tenant_id, customer_id);
CREATE UNIQUE INDEX users_email ON users (tenant_id, email_key) WHERE email_key IS NOT NULL;
CREATE UNIQUE INDEX users_sso ON users (tenant_id, sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL;
CREATE UNIQUE INDEX users_party ON users (tenant_id, party_id) WHERE party_id IS NOT NULL;
CREATE INDEX users_employee ON users (tenant_id, employee_key);
CREATE INDEX user_roles_role ON user_roles (tenant_id, role_id, user_id);
CREATE INDEX provisioning_due ON provisioning (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
CREATE INDEX relationships_windowed ON relationships (tenant_id, type)
WHERE valid_from IS NOT NULL OR valid_to IS NOT NULL;
CREATE INDEX access_changes_at ON access_changes (at);
CREATE INDEX relationship_history_up ON relationship_history (tenant_id, child_id, type);
CREATE INDEX relationship_history_down ON relationship_history (tenant_id, parent_id, type);
COMMIT;
