drop trigger organizations_set_updated_at on organizations;
drop function set_updated_at();
