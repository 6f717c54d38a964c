drop function if exists diesel_set_updated_at();
