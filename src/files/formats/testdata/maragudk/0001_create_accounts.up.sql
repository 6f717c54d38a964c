create table accounts (
  id bigint generated always as identity primary key,
  email text not null
);
