-- 0013_message_search: full-text search over messages (SPEC Part 2,
-- "Search") with a GIN index over a tsvector per searchable message, kept in
-- step by triggers, so that every write path (the batched sends of the group
-- committer, edits, deletes, a room's or tenant's removal) changes the index
-- in the transaction that changes the message, without a statement of its
-- own in Go. The batched INSERT of a group commit fires one statement-level
-- trigger, which indexes the whole batch with one INSERT.
--
-- message_search gives each searchable message an id in the order the
-- messages were stored, which is the order of search results (newest first,
-- id descending), as SQLite's 0013 does. A row exists exactly while the
-- message is indexed: from its send to its delete (its foreign key removes
-- it with the message). An edit re-indexes the message under the same id.
--
-- The text is indexed with the 'simple' configuration (no stemming, no
-- stop words: the same words match as on SQLite's unicode61) after
-- message_search_fold, which
-- - folds the Latin letters with diacritics of U+00C0..U+024F to their
--   base letter (café = cafe), as SQLite's remove_diacritics 2 does, and
--   drops the combining marks U+0300..U+036F;
-- - lower-cases Latin, Greek and Cyrillic letters itself, because lower()
--   in to_tsvector follows the database's LC_CTYPE, which lower-cases ASCII
--   only in a C-locale database;
-- - turns ASCII punctuation into spaces, so that the parser sees words
--   only, as SQLite's unicode61 does: it would otherwise keep
--   <script>, user@example.com, a/b/c or 3.14 as tags, e-mails, paths and
--   numbers whose inner words no query finds.
-- The unaccent extension would fold accents, but it is a contrib module a
-- server may not have. The query side folds with the same table
-- (store/search.go, searchFolds).

CREATE FUNCTION message_search_fold(t TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT translate(t, 'ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĲĴĵĶķĹĺĻļĽľĿŁŃńŅņŇňŊŌōŎŏŐőŒŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƁƂƄƆƇƉƊƋƎƏƐƑƓƔƖƗƘƜƝƟƠơƢƤƦƧƩƬƮƯưƱƲƳƵƷƸƼǄǅǇǈǊǋǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǤǦǧǨǩǪǫǬǭǮǰǱǲǴǵǶǷǸǹǺǻǼǾȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȜȞȟȠȢȤȦȧȨȩȪȫȬȭȮȯȰȱȲȳȺȻȽȾɁɃɄɅɆɈɊɌɎͰͲͶͿΆΈΉΊΌΎΏΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫϏϘϚϜϞϠϢϤϦϨϪϬϮϴϷϹϺϽϾϿЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯѠѢѤѦѨѪѬѮѰѲѴѶѸѺѼѾҀҊҌҎҐҒҔҖҘҚҜҞҠҢҤҦҨҪҬҮҰҲҴҶҸҺҼҾӀӁӃӅӇӉӋӍӐӒӔӖӘӚӜӞӠӢӤӦӨӪӬӮӰӲӴӶӸӺӼӾԀԂԄԆԈԊԌԎԐԒԔԖԘԚԜԞԠԢԤԦԨԪԬԮ!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡', 'aaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooouuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiiĳjjkkllllllŀłnnnnnnŋooooooœrrrrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzɓƃƅɔƈɖɗƌǝəɛƒɠɣɩɨƙɯɲɵooƣƥʀƨʃƭʈuuʊʋƴƶʒƹƽǆǆǉǉǌǌaaiioouuuuuuuuuuaaaaǣǥggkkooooǯjǳǳggƕƿnnaaǽǿaaaaeeeeiiiioooorrrruuuussttȝhhƞȣȥaaeeooooooooyyⱥȼƚⱦɂƀʉʌɇɉɋɍɏͱͳͷϳάέήίόύώαβγδεζηθικλμνξοπρστυφχψωϊϋϗϙϛϝϟϡϣϥϧϩϫϭϯθϸϲϻͻͼͽѐёђѓєѕіїјљњћќѝўџабвгдежзийклмнопрстуфхцчшщъыьэюяѡѣѥѧѩѫѭѯѱѳѵѷѹѻѽѿҁҋҍҏґғҕҗҙқҝҟҡңҥҧҩҫҭүұҳҵҷҹһҽҿӏӂӄӆӈӊӌӎӑӓӕӗәӛӝӟӡӣӥӧөӫӭӯӱӳӵӷӹӻӽӿԁԃԅԇԉԋԍԏԑԓԕԗԙԛԝԟԡԣԥԧԩԫԭԯ                                ') $$;

CREATE TABLE message_search (
    id        BIGINT   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id TEXT     NOT NULL,
    room_id   TEXT     NOT NULL,
    seq       BIGINT   NOT NULL,
    doc       TSVECTOR NOT NULL,
    UNIQUE (room_id, seq),
    FOREIGN KEY (room_id, seq) REFERENCES messages (room_id, seq) ON DELETE CASCADE
);

CREATE INDEX message_search_doc ON message_search USING GIN (doc);

INSERT INTO message_search (tenant_id, room_id, seq, doc)
SELECT tenant_id, room_id, seq, to_tsvector('simple', message_search_fold(content))
FROM messages
WHERE deleted_at IS NULL AND content <> ''
ORDER BY created_at, room_id, seq;

CREATE FUNCTION messages_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO message_search (tenant_id, room_id, seq, doc)
    SELECT tenant_id, room_id, seq, to_tsvector('simple', message_search_fold(content))
    FROM inserted
    WHERE deleted_at IS NULL AND content <> ''
    ORDER BY room_id, seq;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_search_insert AFTER INSERT ON messages
REFERENCING NEW TABLE AS inserted
FOR EACH STATEMENT EXECUTE FUNCTION messages_search_insert();

CREATE FUNCTION messages_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.deleted_at IS NOT NULL OR NEW.content = '' THEN
        DELETE FROM message_search WHERE room_id = OLD.room_id AND seq = OLD.seq;
    ELSE
        UPDATE message_search SET doc = to_tsvector('simple', message_search_fold(NEW.content))
        WHERE room_id = NEW.room_id AND seq = NEW.seq;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_search_update AFTER UPDATE OF content, deleted_at ON messages
FOR EACH ROW
WHEN (OLD.content IS DISTINCT FROM NEW.content OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
EXECUTE FUNCTION messages_search_update();
